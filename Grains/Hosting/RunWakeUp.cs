using Dagger.Orleans.Runtime.Durability;
using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Hosting;

/// <summary>
/// When a silo becomes active, the runs that were going when the cluster last stopped are woken (their DAG grains
/// read their records and resume their durable nodes). Every silo does it; waking a running run does nothing. It runs
/// beside start-up, not in it: a silo must not wait on storage to join, and a failure is retried, then logged as an
/// error naming the cause (the runs then go on when first asked about).
/// </summary>
internal sealed partial class RunWakeUp(IGrainFactory grains, ILogger<RunWakeUp> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)];
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

    private async Task WakeAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await grains.GetGrain<IRunRegistryGrain>(RunRegistry.Key).WakeAllAsync();
                return;
            }
            catch (Exception e) when (!_stopping.IsCancellationRequested)
            {
                if (attempt >= RetryDelays.Length)
                {
                    LogWakeFailed(logger, e);
                    return;
                }
                try
                {
                    await Task.Delay(RetryDelays[attempt], _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                // The silo is stopping: its runs are woken by the next silo to start.
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "could not wake the runs that were going when the cluster last stopped; they go on when first asked about (dagger status)")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception);
}
