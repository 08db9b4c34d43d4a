using Dagger.Orleans.Runtime.Durability;
using Dagger.Orleans.Runtime.Resilience;
using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Hosting;

/// <summary>
/// When a silo becomes active, the runs that were going when the cluster last stopped are woken (their DAG grains
/// read their records and resume their durable nodes). Every silo does it; waking a running run does nothing. It runs
/// beside start-up, not in it: a silo must not wait on storage to join, and a failure is retried, then logged as an
/// error naming the cause (the runs then go on when first asked about).
/// </summary>
internal sealed partial class RunWakeUp(IGrainFactory grains, ResiliencePipelines pipelines, ILogger<RunWakeUp> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _waking = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
        nameof(RunWakeUp),
        ServiceLifecycleStage.Active,
        _ =>
        {
            _waking = Task.Run(WakeAsync);
            return Task.CompletedTask;
        },
        async _ =>
        {
            await _stopping.CancelAsync();
            await _waking;
        });

    /// <summary>Wakes the runs on the <see cref="ResiliencePipelines.RunWakeUpName"/> schedule.</summary>
    internal async Task WakeAsync()
    {
        try
        {
            await pipelines.RunWakeUp.ExecuteAsync(
                static async (registry, _) => await registry.WakeAllAsync(),
                grains.GetGrain<IRunRegistryGrain>(RunRegistry.Key), _stopping.Token);
        }
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            // The silo is stopping: its runs are woken by the next silo to start.
        }
        catch (Exception e)
        {
            LogWakeFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "could not wake the runs that were going when the cluster last stopped; they go on when first asked about (dagger status)")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception);
}
