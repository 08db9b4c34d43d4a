using Dagger.Orleans.Discovery;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Cluster;

/// <summary>The discovery side of the client on a 2-silo cluster: the run list's bounds and forgetting, a moved node's timeline.</summary>
[Collection(TwoSiloClusterCollection.Name)]
public sealed class DiscoveryTests(TwoSiloCluster cluster)
{
    private IRunListGrain RunList => cluster.Cluster.Client.GetRunList();

    /// <summary>Adds are one-way and listing interleaves: polls (bounded) until the list shows what <paramref name="done"/> waits for.</summary>
    private async Task<IReadOnlyList<RunEntry>> ListWhenAsync(Func<IReadOnlyList<RunEntry>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var runs = await RunList.ListAsync();
            if (done(runs)) return runs;
            Assert.True(DateTime.UtcNow < deadline, $"the run list did not show {what} within 30 s: {runs.Count} runs, newest {runs.FirstOrDefault()?.DagId}, oldest {runs.LastOrDefault()?.DagId}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task The_run_list_keeps_the_newest_runs_up_to_its_capacity_newest_first()
    {
        var start = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, RunListGrainCapacity + 5).Select(i => $"capacity-test-{i:D5}").ToArray();
        for (var i = 0; i < ids.Length; i++) await RunList.AddAsync(new RunEntry(ids[i], "fake", start + TimeSpan.FromMilliseconds(i), 1));
        try
        {
            var expected = ids.Skip(5).Reverse().ToArray();

            var runs = await ListWhenAsync(r => r.Count == RunListGrainCapacity && r[0].DagId == ids[^1] && r[^1].DagId == ids[5], "the newest 1000 fake runs");

            Assert.Equal(expected, runs.Select(r => r.DagId));
        }
        finally
        {
            // Fake runs left listed would each be asked for when a later test lists runs.
            await RunList.ForgetAsync(ids);
        }
    }

    [Fact]
    public async Task Listing_runs_leaves_out_and_forgets_a_run_the_cluster_does_not_know()
    {
        var real = await cluster.Dagger.SubmitAsync(new DagBuilder("listed").Node("src", "range", new { count = 10 }).Node("out", "count").Edge("src", "out").Build());
        await RunList.AddAsync(new RunEntry("no-such-run-0001", "ghost", DateTimeOffset.UtcNow, 2));
        await ListWhenAsync(r => r.Any(e => e.DagId == "no-such-run-0001"), "the ghost run");

        var summaries = await cluster.Dagger.ListRunsAsync();

        Assert.DoesNotContain(summaries, s => s.DagId == "no-such-run-0001");
        var listed = Assert.Single(summaries, s => s.DagId == real.Id);
        Assert.Equal("listed", listed.Name);
        Assert.Equal(2, listed.Nodes);
        Assert.NotNull(listed.State);
        Assert.DoesNotContain(await RunList.ListAsync(), r => r.DagId == "no-such-run-0001");
    }

    [Fact]
    public async Task A_node_that_moved_has_a_lane_on_each_silo_the_first_ended_where_it_left()
    {
        var run = await cluster.Dagger.SubmitAsync(new DagBuilder().Defaults(batch: 256)
            .Node("src", "range").Node("mid", "scale", new { factor = 2 }).Node("out", "count")
            .Edge("src", "mid").Edge("mid", "out").Build());
        await using var cleanup = run.CancelOnExit();
        await run.WaitUntilAsync(s => s.Nodes.Single(n => n.NodeId == "out").Received > 20_000);
        var before = (await run.GetStatusAsync()).Nodes.Single(n => n.NodeId == "mid").Silo;
        var now = await run.MigrateAsync("mid");
        await run.WaitUntilAsync(s => s.Nodes.Single(n => n.NodeId == "mid").Silo == now && s.Nodes.Single(n => n.NodeId == "out").Received > 40_000);

        var lanes = await cluster.Dagger.GetTimelineAsync(run.Id);

        var mid = lanes.Where(l => l.NodeId == "mid").ToArray();
        Assert.Equal(2, mid.Length);
        Assert.Equal([before, now], mid.Select(l => l.Silo));
        Assert.NotNull(mid[0].End);
        Assert.Null(mid[1].End);
        Assert.True(mid[1].Start >= mid[0].Start, "the second stay began after the first");
        Assert.All(mid, l => Assert.Equal("scale", l.Op));
        Assert.Single(lanes, l => l.NodeId == "src");
        Assert.Single(lanes, l => l.NodeId == "out");
        Assert.All(lanes, l => Assert.True(l.Busy.Sum() + l.Waiting.Sum() + l.Stalled.Sum() > 0, $"lane {l.NodeId} on {l.Silo} recorded no time"));
        await run.CancelAsync(CancelMode.Force);
    }

    [Fact]
    public async Task The_timeline_of_a_run_the_cluster_does_not_know_is_refused()
    {
        await Assert.ThrowsAsync<DagNotFoundException>(() => cluster.Dagger.GetTimelineAsync("no-such-run-0002"));
    }

    private const int RunListGrainCapacity = RunListGrain.Capacity;
}
