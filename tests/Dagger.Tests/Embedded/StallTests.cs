using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Embedded;

/// <summary>
/// Issue 18 item 5 on a real silo: a run that stops making progress says so in its status, and can be ended on it.
/// The stall is made by a <c>sleep</c> node holding its first batch for ten minutes while the rest wait behind it.
/// </summary>
public sealed class StallTests
{
    private static readonly DagSpec Wedged = new DagBuilder()
        .Node("src", "range", new { count = 5000 }).Node("slow", "sleep", new { ms = 600_000 }).Node("out", "count")
        .Edge("src", "slow").Edge("slow", "out").Build();

    [Fact]
    public async Task A_wedged_run_shows_its_stall_in_status_and_fail_if_stalled_ends_it_failed_with_that_message()
    {
        await using var dagger = await DaggerClient.StartEmbeddedAsync(o => o.StallAfter = TimeSpan.FromSeconds(1));
        var run = await dagger.SubmitAsync(Wedged);
        var stalls = new TaskCompletionSource<DagStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        run.Progress += s => { if (s.Stall is not null) stalls.TrySetResult(s); };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var ending = run.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);

        Assert.Same(stalls.Task, await Task.WhenAny(stalls.Task, ending));
        var stalled = await stalls.Task;
        Assert.Equal(DagState.Running, stalled.State);
        Assert.StartsWith("stalled: node slow waiting for batch 1 on edge src -> slow since ", stalled.Stall);

        Assert.True(await run.FailIfStalledAsync());
        var final = await ending;

        Assert.Equal(DagState.Failed, final.State);
        Assert.StartsWith("stalled: node slow waiting for batch 1 on edge src -> slow since ", final.Error);
        Assert.Null(final.Stall);
    }

    [Fact]
    public async Task A_run_that_keeps_moving_is_never_called_stalled_and_fail_if_stalled_refuses()
    {
        await using var dagger = await DaggerClient.StartEmbeddedAsync(o => o.StallAfter = TimeSpan.FromSeconds(1));
        var run = await dagger.SubmitAsync(new DagBuilder()
            .Node("src", "range", new { count = 20 }).Node("slow", "sleep", new { ms = 100 }).Node("out", "collect")
            .Edge("src", "slow").Edge("slow", "out").Build());
        var seen = new List<string>();
        run.Progress += s => { if (s.Stall is not null) lock (seen) seen.Add(s.Stall); };

        Assert.False(await run.FailIfStalledAsync());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var final = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);

        Assert.Equal(DagState.Completed, final.State);
        Assert.Empty(seen);
    }
}
