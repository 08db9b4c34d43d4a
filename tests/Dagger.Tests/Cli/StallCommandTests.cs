using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary><c>dagger run --fail-on-stall</c>: the stall shows on the progress line, and the run ends Failed with it.</summary>
[Collection(CliCollection.Name)]
public sealed class StallCommandTests(CliFixture cli)
{
    [Fact]
    public async Task Run_with_fail_on_stall_ends_a_wedged_run_as_failed_with_the_stall_message()
    {
        var spec = cli.WriteSpec("wedged.json", """
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 5000 } }, { "id": "slow", "op": "sleep", "args": { "ms": 600000 } },
                         { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "slow" }, { "from": "slow", "to": "out" } ] }
            """);

        var result = await cli.RunAsync("run", spec, "--stall-after", "1", "--fail-on-stall");

        Assert.True(result.ExitCode == 1, result.ToString());
        var document = result.Document();
        Assert.Equal("Failed", document.GetProperty("status").GetString());
        Assert.StartsWith("stalled: node slow waiting for batch 1 on edge src -> slow since ", document.GetProperty("error").GetString());
        Assert.Contains(result.StderrLines, l => l.Contains("; stalled: node slow waiting for batch 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stall_after_with_a_cluster_is_refused_as_the_cluster_sets_its_own()
    {
        var spec = cli.WriteSpec("stall-cluster.json", """{ "nodes": [ { "id": "src", "op": "range", "args": { "count": 1 } }, { "id": "out", "op": "count" } ], "edges": [ { "from": "src", "to": "out" } ] }""");

        var result = await cli.RunAsync("run", spec, "--cluster", "nowhere.json", "--stall-after", "5");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--stall-after sets the embedded silo's stall period", result.Stderr);
    }
}
