using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Cluster;

[Collection(TwoSiloClusterCollection.Name)]
public sealed class PlacementTests(TwoSiloCluster cluster)
{
    [Fact]
    public async Task A_chain_is_laid_out_in_one_block_per_silo_so_only_one_edge_crosses_silos()
    {
        var builder = new DagBuilder().Node("n0", "range", new { count = 100 });
        for (var i = 1; i <= 4; i++) builder.Node($"n{i}", "scale", new { factor = 1 }).Edge($"n{i - 1}", $"n{i}");
        builder.Node("n5", "count").Edge("n4", "n5");

        var status = await cluster.RunAsync(builder);

        Assert.Equal(DagState.Completed, status.State);
        var silo = status.Nodes.ToDictionary(n => n.NodeId, n => n.Silo);
        Assert.Equal(2, silo.Values.Distinct().Count());
        var crossing = Enumerable.Range(1, 5).Count(i => silo[$"n{i - 1}"] != silo[$"n{i}"]);
        Assert.Equal(1, crossing);
    }
}
