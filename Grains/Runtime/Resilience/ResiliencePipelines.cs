using Dagger.Orleans.Wire;
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

    /// <summary>A producer's question to the consumer of a broker edge how far it has got (<see cref="StreamEdgeWriter"/>).</summary>
    public const string StreamPositionName = "dagger-stream-position";

    /// <summary>A group of batches pushed to a consumer on another silo (<see cref="RemoteBatchSender"/>).</summary>
    public const string RemotePushName = "dagger-remote-push";

    /// <summary>
    /// The pause before a position question is asked again: after a lost call here, and at the consumer before it
    /// answers "not running yet" (NodeGrain.Streams), so a node being started again elsewhere is not asked in a tight loop.
    /// </summary>
    public static readonly TimeSpan StreamPositionPause = TimeSpan.FromMilliseconds(100);

    /// <summary>Pauses between the tries of a storage operation: a short outage (a storage restarting) is ridden out.</summary>
    public static readonly IReadOnlyList<TimeSpan> StateStorageDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    /// <summary>Pauses between the tries to wake the runs: the storage or the registry's silo may still be starting.</summary>
    public static readonly IReadOnlyList<TimeSpan> RunWakeUpDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)];

    /// <summary>The clock the pipelines wait on; code that measures time beside a pipeline (a stall, a deadline) reads it too.</summary>
    public TimeProvider Time { get; } = time;

    public ResiliencePipeline StateStorage { get; } = BuildStateStorage(time);

    public ResiliencePipeline RunWakeUp { get; } = BuildRunWakeUp(time);

    public ResiliencePipeline StreamPosition { get; } = BuildStreamPosition(time);

    public ResiliencePipeline RemotePush { get; } = BuildRemotePush(time);

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

    /// <summary>
    /// A question lost on the way (the consumer's silo gone: a durable consumer is started again elsewhere from its
    /// checkpoint) is asked again <see cref="StreamPositionPause"/> apart, for as long as it takes: a run that cannot
    /// go on is failed, and the producer cancelled, by the DAG grain. Any other error reaches the caller at once.
    /// </summary>
    public static ResiliencePipeline BuildStreamPosition(TimeProvider time) =>
        new ResiliencePipelineBuilder { Name = StreamPositionName, TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(SiloLoss.IsCallLost),
                MaxRetryAttempts = int.MaxValue,
                Delay = StreamPositionPause,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
            })
            .Build();

    /// <summary>
    /// A group's rest is pushed again while its <see cref="PushProgress"/> (each try's result) says so, after the pause
    /// it names; the sender turns where it ends into the run's error. Any exception reaches the sender at once.
    /// </summary>
    public static ResiliencePipeline BuildRemotePush(TimeProvider time) =>
        new ResiliencePipelineBuilder { Name = RemotePushName, TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is PushProgress progress && progress.PushAgain(time)),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Result is PushProgress progress ? progress.PauseBeforeNext : TimeSpan.Zero),
            })
            .Build();

    /// <summary>One retry per delay, the delays as given (no jitter: a schedule a test can read).</summary>
    private static RetryStrategyOptions Scheduled(IReadOnlyList<TimeSpan> delays, PredicateBuilder<object> retried) => new()
    {
        ShouldHandle = retried,
        MaxRetryAttempts = delays.Count,
        DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(delays[Math.Min(args.AttemptNumber, delays.Count - 1)]),
    };
}
