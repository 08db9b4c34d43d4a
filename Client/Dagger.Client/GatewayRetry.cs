using Dagger.Orleans.Wire;
using Polly;
using Polly.Retry;

namespace Dagger.Orleans.Client;

/// <summary>
/// Reads of a run (status, waiting for its end) ride out the loss of the gateway the client was talking to: the
/// silo died, the client moves to another gateway, and asking again is harmless because a read changes nothing.
/// Bounded: after <see cref="Attempts"/> tries the last error goes to the caller. The schedule is the Polly pipeline
/// <see cref="PipelineName"/>, waiting on a <see cref="TimeProvider"/> (a test's fake clock, or the system's).
/// </summary>
internal static class GatewayRetry
{
    public const string PipelineName = "dagger-gateway-read";
    public const int Attempts = 20;
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(500);
    private static readonly ResiliencePipeline SystemClock = Build(TimeProvider.System);

    /// <summary>Only a lost call (the gateway's silo gone) is asked again, <see cref="Pause"/> apart; any other error reaches the caller at once.</summary>
    public static ResiliencePipeline Build(TimeProvider time) =>
        new ResiliencePipelineBuilder { Name = PipelineName, TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(SiloLoss.IsCallLost),
                MaxRetryAttempts = Attempts - 1,
                Delay = Pause,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
            })
            .Build();

    /// <summary>Runs <paramref name="read"/> on the schedule; <paramref name="cancellation"/> ends a pause at once.</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, CancellationToken cancellation = default, ResiliencePipeline? pipeline = null) =>
        await (pipeline ?? SystemClock).ExecuteAsync(static async (read, _) => await read(), read, cancellation);
}
