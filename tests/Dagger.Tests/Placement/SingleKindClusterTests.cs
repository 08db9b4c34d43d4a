using System.Diagnostics;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Placement;

/// <summary>Clusters with one kind of silo: cpu nodes fall back to GPU silos; gpu nodes without a GPU silo are refused.</summary>
public sealed class SingleKindClusterTests
{
    [Fact]
    public async Task Cpu_nodes_run_on_a_gpu_silo_when_the_cluster_has_no_cpu_silo()
    {
        var (cluster, dagger) = await AcceleratorClusters.DeployAsync("gpu");
        await using var _ = cluster;

        var status = await dagger.RunAsync(new DagBuilder()
            .Node("src", "range", new { count = 100 }).Node("g", "scale", new { factor = 2 }, device: "gpu").Node("out", "sum")
            .Edge("src", "g").Edge("g", "out"));

        Assert.True(status.State == DagState.Completed, status.Error);
        Assert.Equal("9900", status.Results["out"]);
        Assert.All(status.Nodes, n => Assert.Equal(cluster.SiloName(0), n.Silo));
    }

    [Fact]
    public async Task A_gpu_node_on_a_cluster_without_a_gpu_silo_is_refused_at_submission_naming_the_node_and_the_capability()
    {
        var (cluster, dagger) = await AcceleratorClusters.DeployAsync("cpu", "cpu");
        await using var _ = cluster;
        var spec = new DagBuilder()
            .Node("src", "range", new { count = 100 }).Node("fft1", "scale", new { factor = 2 }, device: "gpu").Node("out", "sum")
            .Edge("src", "fft1").Edge("fft1", "out").Build();

        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<DagSpecException>(() => dagger.SubmitAsync(spec));

        Assert.Equal(["node 'fft1': device 'gpu' needs a silo with accelerator=gpu, and none of the cluster's 2 silos has one"], refused.Problems);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"refusing took {clock.Elapsed}");
    }
}
