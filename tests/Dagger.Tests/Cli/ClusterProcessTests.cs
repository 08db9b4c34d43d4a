using System.Text.Json;
using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>The CLI against a cluster of two real silo processes: run, submit, status, cancel.</summary>
[Collection(CliCollection.Name)]
public sealed class ClusterProcessTests(CliFixture cli, SiloProcessCluster cluster) : IClassFixture<SiloProcessCluster>
{
    [Fact]
    public async Task Run_on_a_two_process_cluster_spreads_the_ten_sleeps_over_both_silos_and_finishes_in_about_a_second()
    {
        var result = await cli.RunAsync("run", "examples/sleep10.json", "--cluster", cluster.ClusterFile);

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = result.Document();
        Assert.Equal("Completed", document.GetProperty("status").GetString());
        Assert.Equal(10, document.GetProperty("results").GetProperty("out").GetInt32());
        var nodes = document.GetProperty("stats").GetProperty("nodes");
        var silos = Enumerable.Range(0, 10).Select(i => nodes.GetProperty($"task{i}").GetProperty("silo").GetString()).Distinct().Count();
        Assert.Equal(2, silos);
        Assert.True(document.GetProperty("stats").GetProperty("seconds").GetDouble() < 3, result.ToString());
    }

    [Fact]
    public async Task A_submitted_endless_dag_shows_in_status_and_stops_when_cancelled()
    {
        var spec = cli.WriteSpec("cluster-endless.json", CliSpecs.Endless);
        var submitted = await cli.RunAsync("submit", spec, "--cluster", cluster.ClusterFile);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var id = submitted.Stdout.Trim();
        Assert.Matches("^[0-9a-f]{16}$", id);

        var running = await cli.RunAsync("status", id, "--cluster", cluster.ClusterFile);
        Assert.True(running.ExitCode == 0, running.ToString());
        Assert.Equal("Running", running.Document().GetProperty("status").GetString());

        var cancelled = await cli.RunAsync("cancel", id, "--cluster", cluster.ClusterFile);
        Assert.True(cancelled.ExitCode == 0, cancelled.ToString());

        // A graceful cancel drains: poll status (bounded) until the run has ended.
        JsonElement document = default;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var status = await cli.RunAsync("status", id, "--cluster", cluster.ClusterFile);
            Assert.True(status.ExitCode == 0, status.ToString());
            document = status.Document();
            if (document.GetProperty("status").GetString() != "Running" && document.GetProperty("status").GetString() != "Cancelling") break;
        }
        Assert.Equal("Cancelled", document.GetProperty("status").GetString());
        var counted = document.GetProperty("results").GetProperty("out").GetInt64();
        Assert.Equal(document.GetProperty("stats").GetProperty("nodes").GetProperty("src").GetProperty("emitted").GetInt64(), counted);
    }

    [Fact]
    public async Task Status_of_an_id_the_cluster_does_not_know_exits_2_naming_it()
    {
        var result = await cli.RunAsync("status", "0123456789abcdef", "--cluster", cluster.ClusterFile);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("no DAG with id '0123456789abcdef'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_cluster_refuses_a_transport_it_has_not_configured_before_anything_runs()
    {
        var spec = cli.WriteSpec("cluster-nats.json", """
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 3 } }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out", "transport": "nats" } ] }
            """);

        var result = await cli.RunAsync("run", spec, "--cluster", cluster.ClusterFile);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains("transport 'nats' is not configured on this cluster", StringComparison.Ordinal));
    }
}
