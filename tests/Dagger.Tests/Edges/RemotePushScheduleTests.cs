using Dagger.Orleans.Runtime;
using Dagger.Orleans.Runtime.Resilience;
using Dagger.Orleans.Tests.TestSupport;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Edges;

/// <summary>
/// The schedule on which a group of batches is pushed again to a consumer on another silo (the dagger-remote-push
/// pipeline reading a <see cref="PushProgress"/>), driven by a fake clock and scripted answers: what goes again at
/// once, what after a pause, and what ends it. Nothing here waits for a pause in real time.
/// </summary>
public sealed class RemotePushScheduleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private static readonly PushReply Refused = new(0, Busy: false);
    private static readonly PushReply NotRunning = new(0, Busy: false, NotRunning: true);
    private static readonly PushReply Busy = new(0, Busy: true);
    private static readonly PushReply? Lost = null;

    [Fact]
    public async Task A_busy_consumer_is_pushed_again_at_once_until_it_has_taken_the_whole_group()
    {
        var push = new ScriptedPush(Group(3), new PushReply(1, Busy: true), Busy, new PushReply(2, Busy: false));

        var progress = await push.RunAsync(new SteppedClock()).WaitAsync(Patience);

        Assert.Equal(PushAnswer.Delivered, progress.Last);
        Assert.Equal(3, progress.Accepted);
        Assert.Equal(3, push.Calls);
    }

    [Fact]
    public async Task Lost_calls_go_again_at_once_and_the_sixth_in_a_row_ends_the_push_as_unreachable()
    {
        var push = new ScriptedPush(Group(2), Enumerable.Repeat(Lost, 10).ToArray());

        var progress = await push.RunAsync(new SteppedClock()).WaitAsync(Patience);

        Assert.Equal(PushAnswer.Lost, progress.Last);
        Assert.Equal(PushProgress.MaxLostInARow + 1, progress.LostInARow);
        Assert.Equal(PushProgress.MaxLostInARow + 1, push.Calls);
    }

    [Fact]
    public async Task A_refusing_consumer_is_asked_again_1ms_2ms_and_so_on_up_to_20ms_apart_until_refusals_have_lasted_10s()
    {
        var clock = new SteppedClock();
        var push = new ScriptedPush(Group(2), Enumerable.Repeat<PushReply?>(Refused, 1000).ToArray());
        var pushing = push.RunAsync(clock);

        // Answers at 0, 1, 3, 6 … 210 ms (pauses 1 … 20 ms), then every 20 ms: the one at 9.99 s is still asked again,
        // the one at 10.01 s is past the limit and ends the push.
        var pauses = Enumerable.Range(1, 20).Concat(Enumerable.Repeat(20, 490)).ToArray();
        for (var i = 0; i < pauses.Length; i++)
        {
            var before = i + 1;
            await clock.PassPauseAsync(TimeSpan.FromMilliseconds(pauses[i]), () => Assert.Equal(before, push.Calls));
        }

        var progress = await pushing.WaitAsync(Patience);
        Assert.Equal(PushAnswer.Refused, progress.Last);
        Assert.Equal(pauses.Length + 1, push.Calls);
        Assert.True(clock.GetUtcNow() - clock.Start > PushProgress.RefusalLimit);
    }

    [Fact]
    public async Task A_busy_answer_starts_the_refusal_pauses_and_limit_afresh()
    {
        var clock = new SteppedClock();
        var push = new ScriptedPush(Group(2), Refused, Refused, Refused, Busy, Refused, new PushReply(2, Busy: false));
        var pushing = push.RunAsync(clock);

        await clock.PassPauseAsync(TimeSpan.FromMilliseconds(1), () => Assert.Equal(1, push.Calls));
        await clock.PassPauseAsync(TimeSpan.FromMilliseconds(2), () => Assert.Equal(2, push.Calls));
        await clock.PassPauseAsync(TimeSpan.FromMilliseconds(3), () => Assert.Equal(3, push.Calls));
        // The busy fourth answer is asked again at once; the refusal after it pauses 1 ms, not 5.
        await clock.PassPauseAsync(TimeSpan.FromMilliseconds(1), () => Assert.Equal(5, push.Calls));

        var progress = await pushing.WaitAsync(Patience);
        Assert.Equal(PushAnswer.Delivered, progress.Last);
        Assert.Equal(6, push.Calls);
    }

    [Fact]
    public async Task A_consumer_that_stopped_after_a_lost_call_of_the_end_of_stream_is_not_pushed_again()
    {
        var push = new ScriptedPush([new Batch { Sequence = 7 }, Batch.EndOfStream(8)], Lost, NotRunning, Refused);

        var progress = await push.RunAsync(new SteppedClock()).WaitAsync(Patience);

        Assert.Equal(PushAnswer.ConsumerFinished, progress.Last);
        Assert.Equal(2, push.Calls);
    }

    [Fact]
    public async Task A_consumer_that_stopped_without_its_end_of_stream_counts_as_refusing()
    {
        var clock = new SteppedClock();
        var push = new ScriptedPush(Group(2), NotRunning, new PushReply(2, Busy: false));
        var pushing = push.RunAsync(clock);

        await clock.PassPauseAsync(TimeSpan.FromMilliseconds(1), () => Assert.Equal(1, push.Calls));

        Assert.Equal(PushAnswer.Delivered, (await pushing.WaitAsync(Patience)).Last);
    }

    private static Batch[] Group(int batches) => Enumerable.Range(0, batches).Select(i => new Batch { Sequence = i }).ToArray();

    /// <summary>A consumer that answers the calls of one group as scripted (null: the call was lost).</summary>
    private sealed class ScriptedPush(Batch[] group, params PushReply?[] answers)
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        /// <summary>Runs the pipeline as RemoteBatchSender does, each try noting the next scripted answer.</summary>
        public async Task<PushProgress> RunAsync(TimeProvider clock)
        {
            var progress = new PushProgress(group);
            await ResiliencePipelines.BuildRemotePush(clock).ExecuteAsync(_ =>
            {
                var answer = answers[Interlocked.Increment(ref _calls) - 1];
                progress.Note(answer ?? new PushReply(0, Busy: false), lost: answer is null, closed: false, endTaken: false, clock.GetTimestamp());
                return ValueTask.FromResult(progress);
            });
            return progress;
        }
    }
}
