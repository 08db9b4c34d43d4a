using NATS.Client.JetStream;
using Polly;
using Polly.Retry;

namespace Dagger.Orleans.Streaming.Nats;

/// <summary>
/// Creating the provider's JetStream stream is tried again, <see cref="Attempts"/> times in all, 50 ms then 100 ms
/// apart, only when it lost a race with another create of the same stream: silos (and clients) starting together race
/// to create it, and the loser's create finds the winner's stream (update-or-create is not atomic in NATS.Net); asked
/// again, it updates that one. Any other refusal reaches the caller at once.
/// </summary>
internal static class NatsStreamCreateRetry
{
    public const string PipelineName = "dagger-nats-ensure-stream";
    public const int Attempts = 3;
    public static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);

    // JetStream API error codes of a create that lost a race with another create of the same stream.
    private const int StreamSubjectsOverlap = 10065;
    private const int StreamNameInUse = 10058;

    public static ResiliencePipeline Build(TimeProvider time) =>
        new ResiliencePipelineBuilder { Name = PipelineName, TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NatsJSApiException>(e => e.Error.ErrCode is StreamSubjectsOverlap or StreamNameInUse),
                MaxRetryAttempts = Attempts - 1,
                Delay = FirstPause,
                BackoffType = DelayBackoffType.Linear,
                UseJitter = false,
            })
            .Build();
}
