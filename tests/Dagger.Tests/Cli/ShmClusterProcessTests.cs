using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>Two silo processes of one host that carry <c>shm</c> edges (Dagger:Shm), their rings in a directory of their own.</summary>
public sealed class ShmSiloProcessCluster : SiloProcessCluster
{
    public string RingDirectory { get; } = Path.Combine(Path.GetTempPath(), "dagger-shm-procs-" + Guid.NewGuid().ToString("N")[..8]);

    protected override IEnumerable<string> SiloSettings => [$"--Dagger:Shm:Directory={RingDirectory}", "--Dagger:Shm:RingBytes=4194304"];

    protected override Task AfterSilosAsync()
    {
        if (Directory.Exists(RingDirectory)) Directory.Delete(RingDirectory, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>shm edges between two silo processes: the ring a consumer's process created carries its producer's batches from the other process.</summary>
[Collection(CliCollection.Name)]
public sealed class ShmClusterProcessTests(CliFixture cli, ShmSiloProcessCluster cluster) : IClassFixture<ShmSiloProcessCluster>
{
    // Placement cuts the topological order into one block per silo: src and a on one process, b and sum on the other.
    private const string ShmChain = """
        { "name": "shm-chain", "defaults": { "batch": 1000, "transport": "shm" },
          "nodes": [ { "id": "src", "op": "range", "args": { "count": 2000000 } },
                     { "id": "a", "op": "scale", "args": { "factor": 2 } },
                     { "id": "b", "op": "offset", "args": { "value": 1 } },
                     { "id": "sum", "op": "sum" } ],
          "edges": [ { "from": "src", "to": "a" }, { "from": "a", "to": "b" }, { "from": "b", "to": "sum" } ] }
        """;

    [Fact]
    public async Task A_chain_on_shm_edges_crosses_the_two_processes_with_every_element_once_and_leaves_no_ring()
    {
        var result = await cli.RunAsync("run", cli.WriteSpec("shm-chain.json", ShmChain), "--cluster", cluster.ClusterFile, "--timeout", "120");

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = result.Document();
        // Σ (2x + 1) for x < 2,000,000 = 2,000,000².
        Assert.Equal(4e12, document.GetProperty("results").GetProperty("sum").GetDouble());
        var nodes = document.GetProperty("stats").GetProperty("nodes");
        Assert.NotEqual(nodes.GetProperty("a").GetProperty("silo").GetString(), nodes.GetProperty("b").GetProperty("silo").GetString());
        Assert.Empty(Directory.Exists(cluster.RingDirectory) ? Directory.GetFiles(cluster.RingDirectory) : []);
    }
}
