using System.Text.Json;
using Dagger.Orleans.Tests.Cli;
using Xunit;

namespace Dagger.Orleans.Tests.Alloc;

/// <summary><c>dagger alloc</c>, run as a user runs it: the table, the JSON, and the exit codes 0, 1 and 2.</summary>
[Collection(CliCollection.Name)]
public sealed class AllocCommandTests(CliFixture cli)
{
    [Fact]
    public async Task Alloc_of_the_radar_example_prints_a_row_per_node_and_exits_0()
    {
        var result = await cli.RunAsync("alloc", "examples/radar.json", "--warmup", "20", "--batches", "10");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("node ", StringComparison.Ordinal) && l.Contains("B/el", StringComparison.Ordinal) && l.Contains("verdict", StringComparison.Ordinal));
        foreach (var (node, op) in new[] { ("scene", "radar_scene"), ("compress", "pulse_compress"), ("doppler", "doppler"), ("magnitude", "magnitude"), ("cfar", "cfar") })
        {
            var row = Assert.Single(lines, l => l.StartsWith(node + " ", StringComparison.Ordinal));
            Assert.Contains(op, row, StringComparison.Ordinal);
            Assert.EndsWith(" ok", row.TrimEnd(), StringComparison.Ordinal);
        }
        // collect gets one call per run of the example (cfar sends its detections at the end): start-up, not judged.
        var detections = Assert.Single(lines, l => l.StartsWith("detections ", StringComparison.Ordinal));
        Assert.EndsWith(" start-up", detections.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("magnitude ", StringComparison.Ordinal) && l.Contains("complex[512] -> vector[512]", StringComparison.Ordinal));
        Assert.DoesNotContain("OVER", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("budget of cfar:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alloc_of_an_operator_over_its_budget_exits_1_naming_it_on_stderr()
    {
        var spec = cli.WriteSpec("garbage.json", """
            { "defaults": { "batch": 256 },
              "nodes": [ { "id": "src", "op": "range" }, { "id": "waste", "op": "alloc_test_garbage" }, { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "waste" }, { "from": "waste", "to": "out" } ] }
            """);

        var result = await cli.RunAsync("alloc", spec, "--operators", typeof(GarbagePerElementOperator).Assembly.Location);

        Assert.True(result.ExitCode == 1, result.ToString());
        var row = Assert.Single(result.Stdout.Split('\n'), l => l.StartsWith("waste ", StringComparison.Ordinal));
        Assert.EndsWith("OVER", row.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains(result.StderrLines, l => l.StartsWith("dagger: node 'waste' (alloc_test_garbage) is over its allocation budget: ", StringComparison.Ordinal)
            && l.Contains("B per element", StringComparison.Ordinal));
        Assert.DoesNotContain(result.StderrLines, l => l.Contains("'src'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Alloc_of_an_invalid_spec_exits_2_with_each_problem_as_validate_reports_it()
    {
        var spec = cli.WriteSpec("alloc-three-problems.json", CliSpecs.ThreeProblems);

        var result = await cli.RunAsync("alloc", spec);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Equal($"{spec}: 3 problems:", result.StderrLines[0]);
        Assert.Contains("  node 'src': unknown operator 'rnage' (did you mean 'range'?)", result.StderrLines);
    }

    [Fact]
    public async Task Alloc_with_json_prints_one_document_with_every_node()
    {
        var result = await cli.RunAsync("alloc", "examples/endless.json", "--json", "--warmup", "10", "--batches", "5");

        Assert.True(result.ExitCode == 0, result.ToString());
        var root = result.Document();
        Assert.True(root.GetProperty("within_budget").GetBoolean());
        Assert.Equal(5, root.GetProperty("measured_calls").GetInt32());
        var nodes = root.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("node").GetString()).ToList();
        Assert.Equal(["ticks", "half", "n", "total"], nodes);
        Assert.All(root.GetProperty("nodes").EnumerateArray(), n => Assert.Equal("ok", n.GetProperty("verdict").GetString()));
    }

    [Fact]
    public async Task Alloc_refuses_a_batch_count_below_1()
    {
        var result = await cli.RunAsync("alloc", "examples/endless.json", "--batches", "0");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("--batches must be 1 or more", StringComparison.Ordinal));
    }
}
