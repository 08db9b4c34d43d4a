using Dagger.Orleans.Placement;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Orleans.Runtime.Placement;
using Xunit;

namespace Dagger.Orleans.Tests.Placement;

[Collection(GpuAndCpuClusterCollection.Name)]
public sealed class DevicePlacementTests(GpuAndCpuCluster cluster)
{
    [Fact]
    public async Task Every_gpu_node_runs_on_the_gpu_silo_and_every_cpu_node_on_the_cpu_silo()
    {
        var builder = new DagBuilder()
            .Node("src", "range", new { count = 1000 })
            .Node("g1", "scale", new { factor = 2 }, device: "gpu")
            .Node("g2", "scale", new { factor = 3 }, device: "gpu")
            .Node("c1", "offset", new { value = 1 }, device: "cpu")
            .Node("g3", "scale", new { factor = 0.5 }, device: "gpu")
            .Node("out", "sum")
            .Edge("src", "g1").Edge("g1", "g2").Edge("g2", "c1").Edge("c1", "g3").Edge("g3", "out");

        var status = await cluster.Dagger.RunAsync(builder);

        Assert.True(status.State == DagState.Completed, status.Error);
        Assert.Equal("1499000", status.Results["out"]); // Σ (6x + 1) / 2 over x = 0..999
        foreach (var node in status.Nodes)
        {
            var gpu = node.NodeId.StartsWith('g');
            Assert.Equal(gpu ? "gpu" : "cpu", node.Device);
            Assert.True((gpu ? cluster.GpuSilo : cluster.CpuSilo) == node.Silo, $"node '{node.NodeId}' ({node.Device}) ran on {node.Silo}");
            Assert.StartsWith(gpu ? "gpu (ILGPU CPU accelerator" : "cpu (", node.Accelerator);
        }
    }

    [Fact]
    public async Task An_any_node_goes_to_the_silo_that_runs_fewer_nodes()
    {
        await NodeActivations.WaitUntilNoneAsync(cluster.Cluster.Client);
        // Five cpu nodes keep the cpu silo busy (a slow endless chain) while the any nodes are placed.
        var busy = new DagBuilder().Node("src", "range").Node("slow", "sleep", new { ms = 20 })
            .Node("a", "scale", new { factor = 1 }).Node("b", "scale", new { factor = 1 }).Node("out", "count")
            .Edge("src", "slow").Edge("slow", "a").Edge("a", "b").Edge("b", "out");
        var busyRun = await cluster.Dagger.SubmitAsync(busy.Build());
        try
        {
            var counted = await NodeActivations.CountAsync(cluster.Cluster.Client);
            Assert.Equal(5, counted.GetValueOrDefault(cluster.Cluster.Silos[1].SiloAddress));
            var status = await cluster.Dagger.RunAsync(new DagBuilder()
                .Node("src", "range", new { count = 10 }, device: "any").Node("out", "sum", device: "any").Edge("src", "out"));

            Assert.True(status.State == DagState.Completed, status.Error);
            Assert.All(status.Nodes, n => Assert.True(n.Silo == cluster.GpuSilo, $"'{n.NodeId}' ran on {n.Silo}, the busy silo"));
        }
        finally
        {
            await busyRun.CancelAsync(CancelMode.Force);
        }
    }

    [Fact]
    public async Task Independent_any_nodes_spread_evenly_over_both_silos()
    {
        await NodeActivations.WaitUntilNoneAsync(cluster.Cluster.Client);
        var builder = new DagBuilder();
        for (var i = 0; i < 4; i++)
        {
            builder.Node($"src{i}", "range", new { count = 10 }, device: "any").Node($"out{i}", "count", device: "any").Edge($"src{i}", $"out{i}");
        }

        var status = await cluster.Dagger.RunAsync(builder);

        Assert.True(status.State == DagState.Completed, status.Error);
        Assert.Equal(4, status.Nodes.Count(n => n.Silo == cluster.GpuSilo));
        Assert.Equal(4, status.Nodes.Count(n => n.Silo == cluster.CpuSilo));
    }

    [Theory]
    [InlineData("any", 1, 1)]
    [InlineData("any", 0, 0)]
    [InlineData("gpu", 1, 0)]
    [InlineData("cpu", 0, 1)]
    public async Task A_migration_hint_is_followed_only_to_a_silo_that_serves_the_node_device(string device, int hinted, int expected)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, cluster.Cluster.Silos[hinted].SiloAddress);
        RequestContext.Set(NodePlacement.RequestKey, new NodePlacementRequest(device));
        NodeStatus status;
        try
        {
            // A node grain never started answers its status from wherever it was placed.
            status = await cluster.Cluster.Client.GetGrain<INodeGrain>(NodeKey.Of(Guid.NewGuid().ToString("N"), "n")).GetStatusAsync();
        }
        finally
        {
            RequestContext.Clear();
        }

        Assert.Equal(cluster.Cluster.SiloName(expected), status.Silo);
    }

    [Fact]
    public async Task The_run_status_names_each_node_device_and_its_silo_accelerator_while_it_runs()
    {
        var run = await cluster.Dagger.SubmitAsync(new DagBuilder()
            .Node("src", "range", device: "gpu").Node("out", "count", device: "cpu").Edge("src", "out").Build());
        try
        {
            var status = await run.GetStatusAsync();

            var src = status.Nodes.Single(n => n.NodeId == "src");
            var sink = status.Nodes.Single(n => n.NodeId == "out");
            Assert.Equal(("gpu", "gpu (ILGPU CPU accelerator, declared)"), (src.Device, src.Accelerator));
            Assert.Equal("cpu", sink.Device);
            Assert.Matches(@"^cpu \(\d+ cores, [\d.]+ GiB, declared\)$", sink.Accelerator);
        }
        finally
        {
            await run.CancelAsync(CancelMode.Force);
        }
    }
}
