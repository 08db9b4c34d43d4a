using Dagger.Orleans.Tests.Servers;
using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>Two silo processes configured with a real nats-server (Dagger:Nats), so specs may carry edges over NATS.</summary>
public sealed class NatsSiloProcessCluster : SiloProcessCluster
{
    public NatsServerFixture Nats { get; } = new();

    protected override IEnumerable<string> SiloSettings =>
    [
        $"--Dagger:Nats:Url={Nats.Url}", $"--Dagger:Nats:User={NatsServerFixture.User}", $"--Dagger:Nats:Password={NatsServerFixture.Password}",
        $"--Dagger:Nats:StreamName=dagger-cli-{Nats.Port}", $"--Dagger:Nats:SubjectPrefix=dagger-cli-{Nats.Port}",
    ];

    protected override Task BeforeSilosAsync() => Nats.InitializeAsync();

    protected override Task AfterSilosAsync() => Nats.DisposeAsync();
}

/// <summary>The CLI against a 2-process cluster whose silos carry nats edges.</summary>
[Collection(CliCollection.Name)]
public sealed class NatsClusterProcessTests(CliFixture cli, NatsSiloProcessCluster cluster) : IClassFixture<NatsSiloProcessCluster>
{
    private const string MixedEdges = """
        { "name": "mixed-edges", "defaults": { "batch": 500 },
          "nodes": [ { "id": "src", "op": "range", "args": { "count": 100000 } },
                     { "id": "a", "op": "scale", "args": { "factor": 2 } },
                     { "id": "b", "op": "offset", "args": { "value": 1 } },
                     { "id": "sum", "op": "sum" }, { "id": "count", "op": "count" } ],
          "edges": [ { "from": "src", "to": "a", "transport": "nats" },
                     { "from": "a", "to": "b" },
                     { "from": "b", "to": "sum", "transport": "nats" },
                     { "from": "src", "to": "count", "transport": "nats" } ] }
        """;

    [Fact]
    public async Task A_dag_mixing_nats_and_memory_edges_runs_on_the_two_processes_with_every_element_once()
    {
        var result = await cli.RunAsync("run", cli.WriteSpec("mixed-edges.json", MixedEdges), "--cluster", cluster.ClusterFile, "--timeout", "120");

        Assert.True(result.ExitCode == 0, result.ToString());
        var results = result.Document().GetProperty("results");
        Assert.Equal(100_000, results.GetProperty("count").GetInt64());
        // Σ (2x + 1) for x < 100000 = 100000² .
        Assert.Equal(1e10, results.GetProperty("sum").GetDouble());
    }

    [Fact]
    public async Task A_spec_with_an_mqtt_edge_is_refused_by_a_cluster_without_mqtt_before_anything_runs()
    {
        var spec = cli.WriteSpec("mqtt-edge.json", MixedEdges.Replace("\"nats\"", "\"mqtt\"", StringComparison.Ordinal));

        var result = await cli.RunAsync("run", spec, "--cluster", cluster.ClusterFile);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("mqtt", StringComparison.Ordinal));
    }
}
