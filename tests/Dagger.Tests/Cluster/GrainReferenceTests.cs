using Dagger.Orleans.Runtime;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Cluster;

[Collection(TwoSiloClusterCollection.Name)]
public sealed class GrainReferenceTests(TwoSiloCluster cluster)
{
    [Fact]
    public void A_reference_made_from_the_cached_types_names_the_same_grain_and_interface_as_GetGrain()
    {
        var grains = cluster.Cluster.Client;
        var dagId = Client.DaggerClient.NewDagId();

        var node = (GrainReference)(object)grains.GetNodeGrain(dagId, "n1");
        var expectedNode = (GrainReference)(object)grains.GetGrain<INodeGrain>(NodeKey.Of(dagId, "n1"));
        var dag = (GrainReference)(object)grains.GetDagGrain(dagId);
        var expectedDag = (GrainReference)(object)grains.GetGrain<IDagGrain>(dagId);

        Assert.Equal(expectedNode.GrainId, node.GrainId);
        Assert.Equal(expectedNode.InterfaceType, node.InterfaceType);
        Assert.Equal(expectedDag.GrainId, dag.GrainId);
        Assert.Equal(expectedDag.InterfaceType, dag.InterfaceType);
    }

    [Fact]
    public async Task A_node_grain_reached_through_the_cached_types_answers_as_the_node()
    {
        var status = await cluster.Cluster.Client.GetNodeGrain(Client.DaggerClient.NewDagId(), "never-started").GetStatusAsync();

        Assert.Equal("never-started", status.NodeId.Split('/')[^1]);
        Assert.Equal(NodeState.Pending, status.State);
    }

    [Fact]
    public void A_blank_key_is_refused_as_GetGrain_refuses_it()
    {
        Assert.ThrowsAny<ArgumentException>(() => cluster.Cluster.Client.GetDagGrain(" "));
    }
}
