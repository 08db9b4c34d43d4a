using Dagger.Orleans.Tests.Servers;
using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>Two silo processes configured with a real nats-server (Dagger:Nats) and mosquitto (Dagger:Mqtt), so specs may carry edges over both.</summary>
public sealed class BrokerSiloProcessCluster : SiloProcessCluster
{
    public NatsServerFixture Nats { get; } = new();

    public MosquittoFixture Mosquitto { get; } = new();

    protected override IEnumerable<string> SiloSettings =>
    [
        $"--Dagger:Nats:Url={Nats.Url}", $"--Dagger:Nats:User={NatsServerFixture.User}", $"--Dagger:Nats:Password={NatsServerFixture.Password}",
        $"--Dagger:Nats:StreamName=dagger-cli-{Nats.Port}", $"--Dagger:Nats:SubjectPrefix=dagger-cli-{Nats.Port}",
        "--Dagger:Mqtt:Server=127.0.0.1", $"--Dagger:Mqtt:Port={Mosquitto.AuthenticatedPort}",
        $"--Dagger:Mqtt:UserName={MosquittoFixture.UserName}", $"--Dagger:Mqtt:Password={MosquittoFixture.Password}",
        $"--Dagger:Mqtt:MaxPayloadBytes={MosquittoFixture.MaxPacketSize - 4096}", $"--Dagger:Mqtt:TopicPrefix=dagger-cli-{Mosquitto.AuthenticatedPort}",
    ];

    protected override async Task BeforeSilosAsync()
    {
        await Nats.InitializeAsync();
        await Mosquitto.InitializeAsync();
    }

    protected override async Task AfterSilosAsync()
    {
        await Nats.DisposeAsync();
        await Mosquitto.DisposeAsync();
    }
}

/// <summary>The CLI against a 2-process cluster whose silos carry nats and mqtt edges.</summary>
[Collection(CliCollection.Name)]
public sealed class BrokerClusterProcessTests(CliFixture cli, BrokerSiloProcessCluster cluster) : IClassFixture<BrokerSiloProcessCluster>
{
    private const string MixedEdges = """
        { "name": "mixed-edges", "defaults": { "batch": 500 },
          "nodes": [ { "id": "src", "op": "range", "args": { "count": 100000 } },
                     { "id": "a", "op": "scale", "args": { "factor": 2 } },
                     { "id": "b", "op": "offset", "args": { "value": 1 } },
                     { "id": "sum", "op": "sum" }, { "id": "count", "op": "count" } ],
          "edges": [ { "from": "src", "to": "a", "transport": "nats" },
                     { "from": "a", "to": "b" },
                     { "from": "b", "to": "sum", "transport": "mqtt" },
                     { "from": "src", "to": "count", "transport": "nats" } ] }
        """;

    [Fact]
    public async Task A_dag_mixing_nats_mqtt_and_memory_edges_runs_on_the_two_processes_with_every_element_once()
    {
        var result = await cli.RunAsync("run", cli.WriteSpec("mixed-edges.json", MixedEdges), "--cluster", cluster.ClusterFile, "--timeout", "120");

        Assert.True(result.ExitCode == 0, result.ToString());
        var results = result.Document().GetProperty("results");
        Assert.Equal(100_000, results.GetProperty("count").GetInt64());
        // Σ (2x + 1) for x < 100000 = 100000² .
        Assert.Equal(1e10, results.GetProperty("sum").GetDouble());
    }

    [Fact]
    public async Task A_spec_with_a_transport_the_cluster_has_not_configured_is_refused_before_anything_runs()
    {
        var spec = cli.WriteSpec("shm-edge.json", MixedEdges.Replace("\"nats\"", "\"shm\"", StringComparison.Ordinal));

        var result = await cli.RunAsync("run", spec, "--cluster", cluster.ClusterFile);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("shm", StringComparison.Ordinal));
    }
}
