using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Net;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Cluster;
using Xunit;

namespace Dagger.Orleans.Tests.Net;

/// <summary>Dagger:Net:Allow: the entries, what they allow, and the refusals a spec gets at validation.</summary>
public sealed class NetAllowListTests
{
    private static NetEndpoint Connect(string host, int port) => new("tcp", host, port, Listens: false);

    [Theory]
    [InlineData("loopback", "127.0.0.1", 30002, true)]
    [InlineData("loopback", "127.4.5.6", 1, true)]
    [InlineData("loopback", "::1", 80, true)]
    [InlineData("loopback", "localhost", 80, true)]
    [InlineData("loopback", "10.0.0.1", 80, false)]
    [InlineData("loopback", "0.0.0.0", 80, false)]
    [InlineData("127.0.0.1:30001-30005", "127.0.0.1", 30005, true)]
    [InlineData("127.0.0.1:30001-30005", "127.0.0.1", 30006, false)]
    [InlineData("10.1.0.0/16:1234", "10.1.200.3", 1234, true)]
    [InlineData("10.1.0.0/16:1234", "10.2.0.3", 1234, false)]
    [InlineData("10.1.0.0/16:1234", "10.1.0.3", 1235, false)]
    [InlineData("[::1]:*", "::1", 9, true)]
    [InlineData("[fd00::/8]:5000", "fd12::7", 5000, true)]
    [InlineData("sdr.lan:1234", "SDR.lan", 1234, true)]
    [InlineData("sdr.lan:1234", "sdr.lan.evil", 1234, false)]
    [InlineData("sdr.lan:1234", "192.168.1.9", 1234, false)]
    [InlineData("*:30005", "203.0.113.9", 30005, true)]
    [InlineData("*:30005", "203.0.113.9", 22, false)]
    [InlineData("0.0.0.0:9000", "0.0.0.0", 9000, true)]
    public void An_entry_allows_the_hosts_and_ports_it_names_and_nothing_else(string entry, string host, int port, bool allowed)
    {
        Assert.Equal(allowed, NetAllowList.Parse([entry]).Allows(Connect(host, port)));
    }

    [Fact]
    public void An_empty_list_allows_nothing_not_even_loopback()
    {
        Assert.False(NetAllowList.None.Allows(Connect("127.0.0.1", 1234)));
        Assert.False(NetAllowList.Parse([]).Allows(Connect("localhost", 1234)));
    }

    [Theory]
    [InlineData("127.0.0.1:0", "'0' is not a port")]
    [InlineData("127.0.0.1:70000", "'70000' is not a port")]
    [InlineData("127.0.0.1:9-3", "ends before it starts")]
    [InlineData("10.1.0.0/40", "CIDR")]
    [InlineData("[::1", "without its ']'")]
    [InlineData("bad_host!:80", "neither loopback")]
    public void A_bad_entry_is_refused_naming_it_and_what_is_wrong(string entry, string why)
    {
        var e = Assert.Throws<FormatException>(() => NetAllowList.Parse([entry]));
        Assert.Contains($"Dagger:Net:Allow entry '{entry}'", e.Message);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void A_spec_naming_an_address_the_list_does_not_allow_is_refused_naming_the_node_and_the_address_only()
    {
        var spec = DagSpecReader.ReadOrThrow("""
            { "nodes": [
                { "id": "feed", "op": "tcp_source", "args": { "host": "10.9.8.7", "port": 30002, "format": "avr" } },
                { "id": "radio", "op": "rtl_tcp", "args": { "host": "127.0.0.1" } },
                { "id": "merge", "op": "merge" }, { "id": "back", "op": "udp_sink", "args": { "host": "192.0.2.1", "port": 9 } } ],
              "edges": [ { "from": "feed", "to": "merge", "port": 0 }, { "from": "radio", "to": "merge", "port": 1 }, { "from": "merge", "to": "back" } ] }
            """);
        var catalog = new OperatorCatalog([typeof(OperatorCatalog).Assembly]);
        Assert.Empty(DagValidator.Validate(spec, catalog, [Transports.Memory]));

        var problems = NetAllowList.Loopback.Check(spec, catalog);

        Assert.Equal(["node 'feed': tcp connect to 10.9.8.7:30002 is not allowed", "node 'back': udp connect to 192.0.2.1:9 is not allowed"], problems);
        Assert.Empty(NetAllowList.Parse(["*"]).Check(spec, catalog));
    }
}

/// <summary>A cluster silo allows no address unless its owner lists some: even loopback is refused at submission.</summary>
[Collection(TwoSiloClusterCollection.Name)]
public sealed class ClusterNetAllowTests(TwoSiloCluster cluster)
{
    [Fact]
    public async Task A_cluster_silo_without_Dagger_Net_Allow_refuses_every_network_operator_before_anything_runs()
    {
        var spec = DagSpecReader.ReadOrThrow("""
            { "nodes": [ { "id": "in", "op": "tcp_source", "args": { "host": "127.0.0.1", "port": 30002 } }, { "id": "n", "op": "count" } ],
              "edges": [ { "from": "in", "to": "n" } ] }
            """);

        var e = await Assert.ThrowsAsync<DagSpecException>(() => cluster.Dagger.SubmitAsync(spec));

        Assert.Contains("node 'in': tcp connect to 127.0.0.1:30002 is not allowed", e.Message);
    }
}

/// <summary>The embedded silo (what dagger run starts) allows loopback and refuses the rest, at submission.</summary>
[Collection(EmbeddedNetSiloCollection.Name)]
public sealed class EmbeddedNetAllowTests(EmbeddedNetSilo silo)
{
    [Fact]
    public async Task The_embedded_silo_refuses_an_address_off_loopback_at_submission()
    {
        var e = await Assert.ThrowsAsync<DagSpecException>(() => silo.SubmitAsync("""
            { "nodes": [ { "id": "in", "op": "tcp_source", "args": { "mode": "listen", "host": "0.0.0.0", "port": 30002 } }, { "id": "n", "op": "count" } ],
              "edges": [ { "from": "in", "to": "n" } ] }
            """));

        Assert.Contains("node 'in': tcp listen on 0.0.0.0:30002 is not allowed", e.Message);
    }
}
