using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Cluster;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Lifecycle;

/// <summary>A rolling upgrade: a silo shut down gracefully hands its nodes (and DAG grains) over, and the run goes on.</summary>
public sealed class SiloShutdownTests
{
    private static NodeStatus Node(DagStatus status, string id) => status.Nodes.Single(n => n.NodeId == id);

    [Fact]
    public async Task A_silo_shut_down_gracefully_moves_its_nodes_away_first_and_the_run_loses_nothing()
    {
        var (cluster, dagger) = await TwoSiloCluster.DeployAsync();
        await using var _ = cluster;
        // Enough nodes that both silos run some (placement cuts the chain into a block per silo).
        var run = await dagger.SubmitAsync(new DagBuilder().Defaults(batch: 128)
            .Node("src", "range").Node("a", "merge").Node("b", "sleep", new { ms = 0 })
            .Node("c", "merge").Node("sum", "sum").Node("count", "count")
            .Edge("src", "a").Edge("a", "b").Edge("b", "c").Edge("c", "sum").Edge("src", "count").Build());
        await using var cleanup = run.CancelOnExit();
        var running = await run.WaitUntilAsync(s => Node(s, "sum").Received > 20_000);

        // Shut down the silo that runs the DAG grain if it also runs nodes; otherwise the one running the most nodes.
        var victim = cluster.Silos.OrderByDescending(s => running.Nodes.Count(n => n.Silo == s.SiloAddress.ToString())).First();
        var movedNodes = running.Nodes.Where(n => n.Silo == victim.SiloAddress.ToString()).Select(n => n.NodeId).ToList();
        Assert.NotEmpty(movedNodes);
        await cluster.StopSiloAsync(victim);

        var survivor = cluster.Silos.Single(s => !s.SiloAddress.Equals(victim.SiloAddress)).SiloAddress.ToString();
        var after = await run.WaitUntilAsync(s => movedNodes.All(id => Node(s, id).Silo == survivor));
        var received = Node(after, "sum").Received;
        await run.WaitUntilAsync(s => Node(s, "sum").Received > received + 20_000);

        await run.CancelAsync(CancelMode.Graceful);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);
        Assert.True(status.State == DagState.Cancelled, $"{status.State}: {status.Error}");
        var n = Node(status, "src").Emitted;
        Assert.Equal(n, long.Parse(status.Results["count"]));
        // int64 elements through pass-through nodes, summed in 64-bit integers: exact at any length.
        Assert.Equal(n * (n - 1) / 2, long.Parse(status.Results["sum"], System.Globalization.CultureInfo.InvariantCulture));
    }
}
