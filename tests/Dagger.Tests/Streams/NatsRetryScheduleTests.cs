using Dagger.Orleans.Streaming.Nats;
using Dagger.Orleans.Tests.TestSupport;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Xunit;

namespace Dagger.Orleans.Tests.Streams;

/// <summary>
/// The NATS provider's retry schedules on a fake clock (no server): a publish tried again through an outage until its
/// timeout, and the stream's creation tried again when it lost a race. Nothing here waits for a pause in real time.
/// </summary>
public sealed class NatsRetryScheduleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_publish_that_keeps_failing_is_tried_50ms_100ms_200ms_400ms_800ms_then_1s_apart_until_the_next_pause_would_end_past_the_timeout()
    {
        var clock = new SteppedClock();
        var attempts = 0;
        var told = new List<string>();
        var publishing = new NatsPublishRetry(PublishTimeout, clock).RunAsync(
            _ => ValueTask.FromResult<Exception?>(new NatsException($"no server (attempt {++attempts})")),
            failure => told.Add(failure.Message));

        // 0, 50, 150, 350, 750, 1550, 2550, 3550, 4550 ms: after the ninth, a 1 s pause would end at 5.55 s, past 5 s.
        TimeSpan[] pauses = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400),
            TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)];
        for (var i = 0; i < pauses.Length; i++)
        {
            var before = i + 1;
            await clock.PassPauseAsync(pauses[i], () => Assert.Equal(before, attempts));
        }

        var (failure, made) = await publishing.WaitAsync(Patience);
        Assert.Equal(9, made);
        Assert.Equal(9, attempts);
        Assert.Equal("no server (attempt 9)", failure!.Message);
        Assert.Equal(["no server (attempt 1)"], told);
    }

    [Fact]
    public async Task A_publish_that_gets_through_within_the_schedule_reports_no_failure()
    {
        var clock = new SteppedClock();
        var attempts = 0;
        var publishing = new NatsPublishRetry(PublishTimeout, clock).RunAsync(
            _ => ValueTask.FromResult<Exception?>(++attempts < 3 ? new NatsException("no server") : null), _ => { });

        await clock.PassPauseAsync(TimeSpan.FromMilliseconds(50), () => Assert.Equal(1, attempts));
        await clock.PassPauseAsync(TimeSpan.FromMilliseconds(100), () => Assert.Equal(2, attempts));

        var (failure, made) = await publishing.WaitAsync(Patience);
        Assert.Null(failure);
        Assert.Equal(3, made);
    }

    [Fact]
    public async Task An_attempt_that_hangs_is_cut_off_at_the_timeout_and_no_attempt_follows()
    {
        var clock = new SteppedClock();
        var attempts = 0;
        var publishing = new NatsPublishRetry(PublishTimeout, clock).RunAsync(async attemptTimeout =>
        {
            attempts++;
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, attemptTimeout);
                return null;
            }
            catch (OperationCanceledException e)
            {
                return e;
            }
        }, _ => { });

        await clock.NextPauseAsync(PublishTimeout);
        clock.Advance(PublishTimeout);

        var (failure, made) = await publishing.WaitAsync(Patience);
        Assert.IsAssignableFrom<OperationCanceledException>(failure);
        Assert.Equal(1, made);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task An_error_a_publish_throws_rather_than_reports_reaches_the_caller_at_once()
    {
        var attempts = 0;
        var publishing = new NatsPublishRetry(PublishTimeout, new SteppedClock()).RunAsync(_ =>
        {
            attempts++;
            throw new InvalidOperationException("a bug, not an outage");
        }, _ => { });

        await Assert.ThrowsAsync<InvalidOperationException>(() => publishing.WaitAsync(Patience));
        Assert.Equal(1, attempts);
    }

    [Theory]
    [InlineData(10058)]
    [InlineData(10065)]
    public async Task A_stream_create_that_lost_a_race_is_tried_three_times_50ms_and_100ms_apart_then_its_error_reaches_the_caller(int errCode)
    {
        var clock = new SteppedClock();
        var attempts = 0;
        var creating = NatsStreamCreateRetry.Build(clock).ExecuteAsync(_ =>
        {
            attempts++;
            throw Refused(errCode);
        }).AsTask();

        await clock.PassPauseAsync(TimeSpan.FromMilliseconds(50), () => Assert.Equal(1, attempts));
        await clock.PassPauseAsync(TimeSpan.FromMilliseconds(100), () => Assert.Equal(2, attempts));

        var error = await Assert.ThrowsAsync<NatsJSApiException>(() => creating.WaitAsync(Patience));
        Assert.Equal(errCode, error.Error.ErrCode);
        Assert.Equal(NatsStreamCreateRetry.Attempts, attempts);
    }

    [Fact]
    public async Task Any_other_refusal_of_the_stream_reaches_the_caller_at_once()
    {
        var attempts = 0;
        var creating = NatsStreamCreateRetry.Build(new SteppedClock()).ExecuteAsync(_ =>
        {
            attempts++;
            throw Refused(10052);
        }).AsTask();

        await Assert.ThrowsAsync<NatsJSApiException>(() => creating.WaitAsync(Patience));
        Assert.Equal(1, attempts);
    }

    private static NatsJSApiException Refused(int errCode) =>
        new(new ApiError { Code = 400, ErrCode = errCode, Description = $"refused ({errCode})" });
}
