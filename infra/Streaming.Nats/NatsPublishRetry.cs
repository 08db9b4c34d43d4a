using Polly;
using Polly.Retry;

namespace Dagger.Orleans.Streaming.Nats;

/// <summary>
/// How a publish is tried again while the NATS server is unreachable or restarting: the Polly pipeline
/// <see cref="PipelineName"/>, pauses of <see cref="FirstPause"/> doubling up to <see cref="LongestPause"/>, until the
/// next pause would end past <see cref="NatsStreamOptions.PublishTimeout"/>. Time is the given <see cref="TimeProvider"/>'s
/// (a test's fake clock). The provider keeps its own pipeline: it does not depend on the silo's grains.
/// </summary>
internal sealed class NatsPublishRetry
{
    public const string PipelineName = "dagger-nats-publish";
    public static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);
    private static readonly ResiliencePropertyKey<long> StartedAt = new("dagger-nats-publish-started-at");
    private static readonly ResiliencePropertyKey<Action<Exception>> OnFirstRetry = new("dagger-nats-publish-on-first-retry");
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<Exception?> _pipeline;

    public NatsPublishRetry(TimeSpan publishTimeout, TimeProvider time)
    {
        _timeout = publishTimeout;
        _time = time;
        _pipeline = new ResiliencePipelineBuilder<Exception?> { Name = PipelineName, TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<Exception?>
            {
                // A failed attempt reports its failure as its result; it is tried again only if the pause before the
                // next attempt ends within the timeout (an attempt that could not start in time would fail anyway).
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result is not null && Elapsed(args.Context) + PauseAfter(args.AttemptNumber) < _timeout),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(PauseAfter(args.AttemptNumber)),
                OnRetry = args =>
                {
                    if (args.AttemptNumber == 0 && args.Context.Properties.TryGetValue(OnFirstRetry, out var told)) told(args.Outcome.Result!);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>The pause after failed attempt <paramref name="attempt"/> (0: the first): 50 ms, 100 ms, 200 ms, … 1 s, 1 s.</summary>
    public static TimeSpan PauseAfter(int attempt)
    {
        var pause = FirstPause;
        for (var i = 0; i < attempt && pause < LongestPause; i++) pause *= 2;
        return pause < LongestPause ? pause : LongestPause;
    }

    /// <summary>
    /// Runs <paramref name="publishOnce"/> until it reports no failure (null) and returns null; or returns its last
    /// failure once the schedule ends. Each attempt gets a token that is cancelled when the timeout has passed.
    /// Anything <paramref name="publishOnce"/> throws (rather than reports) reaches the caller at once.
    /// <paramref name="onFirstRetry"/> is told the first failure, once, as it is about to be tried again.
    /// </summary>
    public async Task<(Exception? Failure, int Attempts)> RunAsync(Func<CancellationToken, ValueTask<Exception?>> publishOnce, Action<Exception> onFirstRetry)
    {
        var context = ResilienceContextPool.Shared.Get();
        context.Properties.Set(StartedAt, _time.GetTimestamp());
        context.Properties.Set(OnFirstRetry, onFirstRetry);
        try
        {
            var attempts = 0;
            var failure = await _pipeline.ExecuteAsync(async (context, publishOnce) =>
            {
                attempts++;
                var remaining = _timeout - Elapsed(context);
                using var attemptTimeout = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1), _time);
                return await publishOnce(attemptTimeout.Token);
            }, context, publishOnce);
            return (failure, attempts);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private TimeSpan Elapsed(ResilienceContext context) => _time.GetElapsedTime(context.Properties.GetValue(StartedAt, 0L));
}
