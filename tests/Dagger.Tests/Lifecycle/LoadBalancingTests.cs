using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Cluster;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Lifecycle;

/// <summary>Load balancing: nodes move from an overloaded silo to a less loaded one, mid-stream, without loss.</summary>
public sealed class LoadBalancingTests
{
    private static NodeStatus Node(DagStatus status, string id) => status.Nodes.Single(n => n.NodeId == id);

    [Fact]
    public async Task Nodes_all_started_on_one_silo_spread_to_a_silo_that_joins_and_the_counts_stay_exact()
    {
        // One silo runs every node; a second joins (a scale-out); the balancer moves nodes over until the two are even.
        var (cluster, dagger) = await TwoSiloCluster.DeployAsync(o => o.BalancePeriod = TimeSpan.FromMilliseconds(200), silos: 1);
        await using var _ = cluster;
        var builder = new DagBuilder().Defaults(batch: 128).Node("src", "range").Node("count", "count").Edge("src", "count");
        var previous = "src";
        for (var i = 0; i < 5; i++)
        {
            // Pass-through nodes keep int64 elements: the sum is exact at any length.
            builder.Node($"s{i}", "merge").Edge(previous, $"s{i}");
            previous = $"s{i}";
        }
        builder.Node("sum", "sum").Edge(previous, "sum");
        var run = await dagger.SubmitAsync(builder.Build());
        await using var cleanup = run.CancelOnExit();
        var first = await run.WaitUntilAsync(s => Node(s, "sum").Received > 10_000);
        Assert.Single(first.Nodes.Select(n => n.Silo).Distinct());

        var joined = await cluster.StartAdditionalSiloAsync();
        var spread = await run.WaitUntilAsync(s =>
        {
            var there = s.Nodes.Count(n => n.Silo == joined.SiloAddress.ToString());
            return there >= 3 && there <= 5;
        });
        var received = Node(spread, "sum").Received;
        await run.WaitUntilAsync(s => Node(s, "sum").Received > received + 10_000);

        await run.CancelAsync(CancelMode.Graceful);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);
        Assert.True(status.State == DagState.Cancelled, $"{status.State}: {status.Error}");
        var n = Node(status, "src").Emitted;
        Assert.Equal(n, long.Parse(status.Results["count"]));
        Assert.Equal(n * (n - 1) / 2, long.Parse(status.Results["sum"], System.Globalization.CultureInfo.InvariantCulture));
        // Balanced, not thrashing: the nodes stayed where the balancer put them once the silos were even.
        var last = status.Nodes.Count(x => x.Silo == joined.SiloAddress.ToString());
        Assert.InRange(last, 3, 5);
    }
}
