using System.Text.Json;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>Two silo processes that load the example operator library (<c>clamp</c>), which the CLI process itself does not.</summary>
public sealed class ClampSiloCluster : SiloProcessCluster
{
    protected override IEnumerable<string> SiloSettings
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var clamp = CliRepoRoot.File($"examples/operators/Clamp/bin/{configuration}/net10.0/Dagger.Examples.Clamp.dll");
            Assert.True(File.Exists(clamp), $"the example operator was not built: {clamp} (build the solution)");
            return [$"--Dagger:OperatorAssemblies:0={clamp}"];
        }
    }
}

/// <summary>
/// <c>validate</c>, <c>operators</c>, <c>list</c> and <c>timeline</c> against a cluster of two silo processes: the
/// answers come from the silos (their operators, their transports, their runs), not from the CLI's own assemblies.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ClusterDiscoveryCommandTests(CliFixture cli, ClampSiloCluster cluster) : IClassFixture<ClampSiloCluster>
{
    private const string ClampSpec = """
        { "name": "clamped",
          "nodes": [ { "id": "src", "op": "range", "args": { "start": -5, "count": 11 } },
                     { "id": "c", "op": "clamp", "args": { "min": -2, "max": 3 } },
                     { "id": "out", "op": "collect" } ],
          "edges": [ { "from": "src", "to": "c" }, { "from": "c", "to": "out" } ] }
        """;

    [Fact]
    public async Task Validate_on_the_cluster_accepts_a_spec_using_an_operator_only_the_silos_have()
    {
        var spec = cli.WriteSpec("cluster-clamp.json", ClampSpec);

        var onCluster = await cli.RunAsync("validate", spec, "--cluster", cluster.ClusterFile);
        var embedded = await cli.RunAsync("validate", spec);

        Assert.True(onCluster.ExitCode == 0, onCluster.ToString());
        Assert.Equal($"{spec}: valid (3 nodes, 2 edges)", onCluster.Stdout.Trim());
        Assert.True(embedded.ExitCode == 2, embedded.ToString());
        Assert.Contains(embedded.StderrLines, l => l.Contains("unknown operator 'clamp'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_on_the_cluster_lists_every_problem_one_a_line_naming_node_edge_and_field()
    {
        var spec = cli.WriteSpec("cluster-invalid.json", """
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 3, "colour": "red" } },
                         { "id": "c", "op": "clamp", "args": { "min": 0 } },
                         { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "c", "transport": "nats" }, { "from": "c", "to": "out" } ] }
            """);

        var result = await cli.RunAsync("validate", spec, "--cluster", cluster.ClusterFile);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        var lines = result.StderrLines;
        Assert.Equal(4, lines.Count);
        Assert.Equal($"{spec}: 3 problems:", lines[0]);
        Assert.Equal("  node 'src': unknown argument 'colour' for operator 'range' (its arguments: start, step, count, type, width)", lines[1]);
        Assert.StartsWith("  node 'c': operator 'clamp' needs argument 'max'", lines[2]);
        Assert.Equal("  edge 0 (src -> c): transport: transport 'nats' is not configured on this cluster (configured: memory)", lines[3]);
    }

    [Fact]
    public async Task Operators_on_the_cluster_lists_what_the_silos_load()
    {
        var all = await cli.RunAsync("operators", "--json", "--cluster", cluster.ClusterFile);
        var clamp = await cli.RunAsync("operators", "clamp", "--cluster", cluster.ClusterFile);
        var local = await cli.RunAsync("operators", "clamp");

        Assert.True(all.ExitCode == 0, all.ToString());
        var names = all.Document().GetProperty("operators").EnumerateArray().Select(o => o.GetProperty("name").GetString()).ToList();
        Assert.Contains("clamp", names);
        Assert.Contains("range", names);
        Assert.True(clamp.ExitCode == 0, clamp.ToString());
        Assert.StartsWith("clamp: min(max(x, min), max)", clamp.Stdout);
        Assert.Matches(@"\n    min\s+number\s+required", clamp.Stdout);
        Assert.True(local.ExitCode == 2, local.ToString());
    }

    [Fact]
    public async Task Operators_on_the_cluster_with_an_unknown_name_exits_2()
    {
        var result = await cli.RunAsync("operators", "no-such-op", "--cluster", cluster.ClusterFile);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("unknown operator 'no-such-op'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_shows_submitted_runs_newest_first_with_their_state_and_age()
    {
        var finished = await cli.RunAsync("run", cli.WriteSpec("list-clamp.json", ClampSpec), "--cluster", cluster.ClusterFile);
        Assert.True(finished.ExitCode == 0, finished.ToString());
        var finishedId = finished.Document().GetProperty("dag").GetString()!;
        var submitted = await cli.RunAsync("submit", cli.WriteSpec("list-endless.json", CliSpecs.Endless), "--cluster", cluster.ClusterFile);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var runningId = submitted.Stdout.Trim();
        try
        {
            var table = await cli.RunAsync("list", "--cluster", cluster.ClusterFile);
            var json = await cli.RunAsync("list", "--json", "--cluster", cluster.ClusterFile);

            Assert.True(table.ExitCode == 0, table.ToString());
            var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Matches(@"^ID\s+NAME\s+STATE\s+AGE\s+NODES$", lines[0]);
            var running = Array.FindIndex(lines, l => l.StartsWith(runningId, StringComparison.Ordinal));
            var done = Array.FindIndex(lines, l => l.StartsWith(finishedId, StringComparison.Ordinal));
            Assert.True(running > 0 && done > running, table.ToString());
            Assert.Matches($@"^{runningId}\s+endless\s+Running\s+\d+s\s+2$", lines[running]);
            Assert.Matches($@"^{finishedId}\s+clamped\s+Completed\s+\d+s\s+3$", lines[done]);

            Assert.True(json.ExitCode == 0, json.ToString());
            var runs = json.Document().GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("dag").GetString()!);
            Assert.Equal("Running", runs[runningId].GetProperty("state").GetString());
            Assert.Equal("Completed", runs[finishedId].GetProperty("state").GetString());
            Assert.InRange(runs[finishedId].GetProperty("age_seconds").GetDouble(), 0, 120);
        }
        finally
        {
            await cli.RunAsync("cancel", runningId, "--force", "--cluster", cluster.ClusterFile);
        }
    }

    [Fact]
    public async Task Timeline_of_a_run_has_one_lane_per_node_grouped_under_the_silos_the_status_names()
    {
        var run = await cli.RunAsync("run", "examples/sleep10.json", "--cluster", cluster.ClusterFile);
        Assert.True(run.ExitCode == 0, run.ToString());
        var document = run.Document();
        var id = document.GetProperty("dag").GetString()!;
        var nodeSilos = document.GetProperty("stats").GetProperty("nodes").EnumerateObject()
            .ToDictionary(n => n.Name, n => n.Value.GetProperty("silo").GetString()!);
        var path = Path.Combine(cli.TempDir, "sleep10-timeline.svg");

        var result = await cli.RunAsync("timeline", id, "--cluster", cluster.ClusterFile, "-o", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        var chart = TimelineSvg.Load(path);
        Assert.Equal(nodeSilos.Keys.Order(), chart.LaneNodes.Order());
        Assert.Equal(2, chart.Silos.Count);
        foreach (var silo in chart.Silos)
        {
            var siloName = (string)silo.Attribute("data-silo")!;
            foreach (var lane in silo.Elements().Where(e => (string?)e.Attribute("class") == "lane"))
                Assert.Equal(nodeSilos[(string)lane.Attribute("data-node")!], siloName);
        }
        // A sleep task spends its second in its operator: busy, not waiting.
        var task = chart.Lanes.Single(l => (string)l.Attribute("data-node")! == "task0");
        Assert.True(TimelineSvg.Fraction(task, "busy") > 0.5, task.ToString());
    }

    [Fact]
    public async Task Timeline_of_an_unknown_id_exits_2_naming_it()
    {
        var result = await cli.RunAsync("timeline", "0123456789abcdef", "--cluster", cluster.ClusterFile, "-o", Path.Combine(cli.TempDir, "none.svg"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("0123456789abcdef", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(cli.TempDir, "none.svg")));
    }

    [Fact]
    public async Task Graph_of_a_run_on_the_cluster_labels_each_node_with_its_state_silo_and_counts()
    {
        var run = await cli.RunAsync("run", "examples/quickstart.json", "--cluster", cluster.ClusterFile);
        Assert.True(run.ExitCode == 0, run.ToString());
        var document = run.Document();
        var id = document.GetProperty("dag").GetString()!;
        var nodes = document.GetProperty("stats").GetProperty("nodes");

        var dot = await cli.RunAsync("graph", id, "--cluster", cluster.ClusterFile);
        var mermaid = await cli.RunAsync("graph", id, "--format", "mermaid", "--cluster", cluster.ClusterFile);

        Assert.True(dot.ExitCode == 0, dot.ToString());
        Assert.StartsWith("digraph \"diamond\" {", dot.Stdout);
        var src = nodes.GetProperty("src");
        Assert.Contains($"\\nFinished on {src.GetProperty("silo").GetString()} · out {src.GetProperty("emitted").GetInt64():N0} · in 0\", style=filled", dot.Stdout);
        Assert.Contains("\"join\" -> \"out\";", dot.Stdout);
        Assert.True(mermaid.ExitCode == 0, mermaid.ToString());
        var outNode = nodes.GetProperty("out");
        Assert.Contains($"n4[\"out: collect<br/>Finished on {outNode.GetProperty("silo").GetString()} · out 0 · in {outNode.GetProperty("received").GetInt64():N0}\"]", mermaid.Stdout);
        Assert.Contains("style n4 fill:", mermaid.Stdout);
    }

    [Fact]
    public async Task Graph_of_an_unknown_run_exits_2_naming_it()
    {
        var result = await cli.RunAsync("graph", "0123456789abcdef", "--cluster", cluster.ClusterFile);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains("0123456789abcdef", StringComparison.Ordinal));
    }
}
