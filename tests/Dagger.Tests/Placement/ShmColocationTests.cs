using System.Net;
using Dagger.Orleans.Placement;
using Dagger.Orleans.Spec;
using Xunit;

namespace Dagger.Orleans.Tests.Placement;

/// <summary>Which silos may host a node with shm edges: the host of its placed shm neighbours (addresses only: no traffic).</summary>
public sealed class ShmColocationTests
{
    private static readonly SiloAddress HostA1 = SiloAddress.New(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 11111), 1);
    private static readonly SiloAddress HostA2 = SiloAddress.New(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 11112), 1);
    private static readonly SiloAddress HostB = SiloAddress.New(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 11111), 1);

    // src -memory-> a -shm-> b -memory-> out
    private static readonly DagSpec Spec = DagSpecReader.ReadOrThrow("""
        { "nodes": [ { "id": "src", "op": "range", "args": { "count": 10 } }, { "id": "a", "op": "scale", "args": { "factor": 2 } },
                     { "id": "b", "op": "scale", "args": { "factor": 2 } }, { "id": "out", "op": "count" } ],
          "edges": [ { "from": "src", "to": "a" }, { "from": "a", "to": "b", "transport": "shm" }, { "from": "b", "to": "out" } ] }
        """);

    [Fact]
    public void A_producer_goes_to_the_host_of_its_placed_shm_consumer_and_only_there()
    {
        var placed = new Dictionary<string, SiloAddress> { ["out"] = HostA1, ["b"] = HostB };

        Assert.Equal(HostB.Endpoint.Address, ShmColocation.HostOfNeighbours(Spec, "a", placed));
        Assert.Equal([HostB], ShmColocation.OnHost([HostA1, HostA2, HostB], ShmColocation.HostOfNeighbours(Spec, "a", placed)));
        // Memory edges bind nothing: out's neighbour b is on B, yet out has no host to follow.
        Assert.Null(ShmColocation.HostOfNeighbours(Spec, "out", placed));
        Assert.Null(ShmColocation.HostOfNeighbours(Spec, "src", placed));
    }

    [Fact]
    public void A_node_moves_only_to_silos_on_the_host_of_its_shm_neighbours()
    {
        var placed = new Dictionary<string, SiloAddress> { ["src"] = HostB, ["a"] = HostA1, ["b"] = HostA1, ["out"] = HostB };

        Assert.True(ShmColocation.CanHost(Spec, "b", HostA2, placed));
        Assert.False(ShmColocation.CanHost(Spec, "b", HostB, placed));
        Assert.False(ShmColocation.CanHost(Spec, "a", HostB, placed));
        Assert.True(ShmColocation.CanHost(Spec, "out", HostA2, placed));
    }

    [Fact]
    public void With_no_silo_on_the_wanted_host_placement_keeps_every_candidate_and_the_submission_check_refuses()
    {
        Assert.Equal([HostA1, HostA2], ShmColocation.OnHost([HostA1, HostA2], HostB.Endpoint.Address));
        Assert.Equal([HostA1, HostB], ShmColocation.OnHost([HostA1, HostB], null));
    }
}
