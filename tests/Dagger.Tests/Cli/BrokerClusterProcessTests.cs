using Dagger.Orleans.Tests.Servers;
using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>
/// Two silo processes configured with a real nats-server (Dagger:Nats) and mosquitto (Dagger:Mqtt), so specs may carry
/// edges over both, and with their run state in Azurite (Dagger:State), so runs whose edges are all on the brokers
/// survive a silo's death.
/// </summary>
public sealed class BrokerSiloProcessCluster : SiloProcessCluster
{
    public NatsServerFixture Nats { get; } = new();

    public MosquittoFixture Mosquitto { get; } = new();

    public AzuriteFixture Azurite { get; } = new();

    protected override IEnumerable<string> SiloSettings =>
    [
        $"--Dagger:Nats:Url={Nats.Url}", $"--Dagger:Nats:User={NatsServerFixture.User}", $"--Dagger:Nats:Password={NatsServerFixture.Password}",
        $"--Dagger:Nats:StreamName=dagger-cli-{Nats.Port}", $"--Dagger:Nats:SubjectPrefix=dagger-cli-{Nats.Port}",
        "--Dagger:Mqtt:Server=127.0.0.1", $"--Dagger:Mqtt:Port={Mosquitto.AuthenticatedPort}",
        $"--Dagger:Mqtt:UserName={MosquittoFixture.UserName}", $"--Dagger:Mqtt:Password={MosquittoFixture.Password}",
        $"--Dagger:Mqtt:MaxPayloadBytes={MosquittoFixture.MaxPacketSize - 4096}", $"--Dagger:Mqtt:TopicPrefix=dagger-cli-{Mosquitto.AuthenticatedPort}",
        "--Dagger:State:Provider=azure", $"--Dagger:State:AzureStorage={Azurite.ConnectionString}",
    ];

    protected override async Task BeforeSilosAsync()
    {
        await Nats.InitializeAsync();
        await Mosquitto.InitializeAsync();
        await Azurite.InitializeAsync();
    }

    protected override async Task AfterSilosAsync()
    {
        await Nats.DisposeAsync();
        await Mosquitto.DisposeAsync();
        await Azurite.DisposeAsync();
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

    /// <summary>Every edge on a broker (nats and mqtt), so every node checkpoints and can resume elsewhere.</summary>
    private const string BrokerEdges = """
        { "name": "broker-edges", "defaults": { "batch": 500 },
          "nodes": [ { "id": "src", "op": "range", "args": { "count": 400000 } },
                     { "id": "a", "op": "scale", "args": { "factor": 2 } },
                     { "id": "sum", "op": "sum" }, { "id": "count", "op": "count" } ],
          "edges": [ { "from": "src", "to": "a", "transport": "nats" },
                     { "from": "a", "to": "sum", "transport": "mqtt" },
                     { "from": "a", "to": "count", "transport": "nats" } ] }
        """;

    [Fact]
    public async Task A_dag_on_nats_and_mqtt_edges_survives_the_kill_of_a_silo_process_with_every_element_exactly_once()
    {
        var submit = await cli.RunAsync("submit", cli.WriteSpec("broker-edges.json", BrokerEdges), "--cluster", cluster.ClusterFile);
        Assert.True(submit.ExitCode == 0, submit.ToString());
        var dagId = submit.Stdout.Trim();
        await WaitForAsync(dagId, status => status.GetProperty("stats").GetProperty("nodes").GetProperty("count").GetProperty("received").GetInt64() >= 20_000);

        await cluster.KillSiloAsync(1);

        var end = await WaitForAsync(dagId, status => status.GetProperty("status").GetString() is "Completed" or "Failed" or "Cancelled", TimeSpan.FromSeconds(150));
        Assert.True(end.GetProperty("status").GetString() == "Completed", end.ToString());
        var results = end.GetProperty("results");
        Assert.Equal(400_000, results.GetProperty("count").GetInt64());
        // Σ 2x for x < 400000 = 400000 · 399999.
        Assert.Equal(400_000.0 * 399_999, results.GetProperty("sum").GetDouble());
    }

    /// <summary>Polls <c>dagger status</c> (the user's way) until <paramref name="done"/> holds, within a deadline.</summary>
    private async Task<System.Text.Json.JsonElement> WaitForAsync(string dagId, Func<System.Text.Json.JsonElement, bool> done, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var status = await cli.RunAsync("status", dagId, "--cluster", cluster.ClusterFile);
            if (status.ExitCode == 0 && done(status.Document())) return status.Document();
            Assert.True(DateTime.UtcNow < deadline, $"not reached in time; last status: {status}");
            await Task.Delay(250);
        }
    }
}
