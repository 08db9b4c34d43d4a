using Orleans.Storage;
using Polly;
using Polly.Retry;

namespace Dagger.Orleans.Runtime.Resilience;

/// <summary>
/// The silo's retry schedules, in one place: each is a named Polly pipeline (its name shows in Polly's telemetry),
/// and each waits on the silo's <see cref="TimeProvider"/>, so a test drives its schedule with a fake clock instead of
/// waiting. A pipeline only decides when to try again; the last failure always reaches the caller, which names it.
/// </summary>
internal sealed class ResiliencePipelines(TimeProvider time)
{
    /// <summary>Reads and writes of a run's records (<see cref="Durability.DurableRecord{T}"/>).</summary>
    public const string StateStorageName = "dagger-state-storage";

    /// <summary>Waking the runs that were going when the cluster last stopped (<see cref="Hosting.RunWakeUp"/>).</summary>
    public const string RunWakeUpName = "dagger-run-wake-up";

    /// <summary>Pauses between the tries of a storage operation: a short outage (a storage restarting) is ridden out.</summary>
    public static readonly IReadOnlyList<TimeSpan> StateStorageDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    /// <summary>Pauses between the tries to wake the runs: the storage or the registry's silo may still be starting.</summary>
    public static readonly IReadOnlyList<TimeSpan> RunWakeUpDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)];

    public TimeProvider Time { get; } = time;

    public ResiliencePipeline StateStorage { get; } = BuildStateStorage(time);

    public ResiliencePipeline RunWakeUp { get; } = BuildRunWakeUp(time);

    /// <summary>
    /// Every storage failure is tried again, <see cref="StateStorageDelays"/> apart, except an ETag conflict: a newer
    /// activation wrote the record, and writing again would overwrite the newer state.
    /// </summary>
    public static ResiliencePipeline BuildStateStorage(TimeProvider time) =>
        new ResiliencePipelineBuilder { Name = StateStorageName, TimeProvider = time }
            .AddRetry(Scheduled(StateStorageDelays, new PredicateBuilder().Handle<Exception>(e => e is not InconsistentStateException)))
            .Build();

    /// <summary>
    /// Any failure is tried again, <see cref="RunWakeUpDelays"/> apart; the silo stopping (its token cancelled) ends
    /// the tries at once: the pause is cancelled, and no try follows a cancelled token.
    /// </summary>
    public static ResiliencePipeline BuildRunWakeUp(TimeProvider time) =>
        new ResiliencePipelineBuilder { Name = RunWakeUpName, TimeProvider = time }
            .AddRetry(Scheduled(RunWakeUpDelays, new PredicateBuilder().Handle<Exception>()))
            .Build();

    /// <summary>One retry per delay, the delays as given (no jitter: a schedule a test can read).</summary>
    private static RetryStrategyOptions Scheduled(IReadOnlyList<TimeSpan> delays, PredicateBuilder<object> retried) => new()
    {
        ShouldHandle = retried,
        MaxRetryAttempts = delays.Count,
        DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(delays[Math.Min(args.AttemptNumber, delays.Count - 1)]),
    };
}
