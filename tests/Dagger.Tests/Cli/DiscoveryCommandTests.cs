using System.Text.Json;
using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>
/// <c>dagger operators</c>, <c>validate</c> and <c>run --timeline</c> without <c>--cluster</c>: against the embedded
/// silo's operators and transports, as <c>run</c> uses them.
/// </summary>
[Collection(CliCollection.Name)]
public class DiscoveryCommandTests(CliFixture cli)
{
    [Fact]
    public async Task Operators_describes_each_operator_with_its_inputs_outputs_and_arguments()
    {
        var result = await cli.RunAsync("operators");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var scale = lines.IndexOf("scale: x * factor");
        Assert.True(scale >= 0, result.ToString());
        Assert.Equal("  inputs: 1 · outputs: 1 stream (any number of edges)", lines[scale + 1]);
        Assert.Equal("  arguments:", lines[scale + 2]);
        Assert.Matches(@"^    factor\s+number\s+required\s+the multiplier$", lines[scale + 3]);
        Assert.Contains("  inputs: 1 · outputs: none (a sink: its result is the run's)", lines);
        // range: an optional argument with its default, one without (absent: endless) and a bounded one.
        var range = lines.FindIndex(l => l.StartsWith("range: ", StringComparison.Ordinal));
        Assert.Equal("  inputs: none (a source) · outputs: 1 stream (any number of edges)", lines[range + 1]);
        Assert.Contains(lines.Skip(range), l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^    start\s+integer\s+default 0\s"));
        Assert.Contains(lines.Skip(range), l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^    count\s+integer\s+optional\s+≥ 0\s+how many elements; absent: endless$"));
    }

    [Fact]
    public async Task Operators_json_is_one_document_listing_every_operator_the_text_form_lists()
    {
        var json = await cli.RunAsync("operators", "--json");
        var text = await cli.RunAsync("operators");

        Assert.True(json.ExitCode == 0, json.ToString());
        var operators = json.Document().GetProperty("operators").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal(operators.Keys.Order(StringComparer.Ordinal), operators.Keys);
        foreach (var name in operators.Keys) Assert.Contains(text.Stdout.Split('\n'), l => l.StartsWith(name + ":", StringComparison.Ordinal));

        var range = operators["range"];
        Assert.Equal(0, range.GetProperty("inputs").GetProperty("max").GetInt32());
        Assert.True(range.GetProperty("source").GetBoolean());
        Assert.Equal(1, range.GetProperty("outputs").GetInt32());
        var args = range.GetProperty("args").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!);
        Assert.Equal(0, args["start"].GetProperty("default").GetInt64());
        Assert.Equal("integer", args["start"].GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, args["count"].GetProperty("default").ValueKind);
        Assert.Equal(0, args["count"].GetProperty("minimum").GetDouble());
        Assert.Contains("vector", args["type"].GetProperty("allowed").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("int64", args["type"].GetProperty("default").GetString());

        var merge = operators["merge"].GetProperty("inputs");
        Assert.Equal(1, merge.GetProperty("min").GetInt32());
        Assert.Equal(JsonValueKind.Null, merge.GetProperty("max").ValueKind);
        Assert.True(operators["collect"].GetProperty("sink").GetBoolean());
        Assert.Equal(0, operators["collect"].GetProperty("outputs").GetInt32());
        var factor = operators["scale"].GetProperty("args")[0];
        Assert.True(factor.GetProperty("required").GetBoolean());
        Assert.Equal(JsonValueKind.Null, factor.GetProperty("default").ValueKind);
    }

    [Fact]
    public async Task Operators_with_a_name_describes_that_operator_alone()
    {
        var text = await cli.RunAsync("operators", "offset");
        var json = await cli.RunAsync("operators", "offset", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.StartsWith("offset: ", text.Stdout);
        Assert.Single(text.Stdout.Split('\n'), l => l.Length > 0 && !l.StartsWith(' '));
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(["offset"], json.Document().GetProperty("operators").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Operators_with_an_unknown_name_exits_2_naming_it_and_what_is_near()
    {
        var result = await cli.RunAsync("operators", "scal");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains("unknown operator 'scal'", StringComparison.Ordinal) && l.Contains("'scale'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_without_a_cluster_refuses_a_nats_edge_saying_a_cluster_with_NATS_is_needed()
    {
        var spec = cli.WriteSpec("embedded-nats.json", """
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 3 } }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out", "transport": "nats" } ] }
            """);

        var result = await cli.RunAsync("validate", spec);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal($"{spec}: 1 problem:", result.StderrLines[0]);
        Assert.Equal("  edge 0 (src -> out): transport: transport 'nats' is not configured on the embedded silo, which carries memory edges only: it needs a cluster with NATS (--cluster FILE)", result.StderrLines[1]);
    }

    [Fact]
    public async Task Run_with_timeline_writes_an_svg_with_one_lane_per_node_under_the_embedded_silo()
    {
        var path = Path.Combine(cli.TempDir, "quickstart-timeline.svg");

        var result = await cli.RunAsync("run", "examples/quickstart.json", "--timeline", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Completed", result.Document().GetProperty("status").GetString());
        var chart = TimelineSvg.Load(path);
        Assert.Single(chart.Silos);
        Assert.Equal(["src", "a", "b", "join", "out"], chart.LaneNodes);
        foreach (var lane in chart.Lanes)
        {
            Assert.NotEmpty(TimelineSvg.Spans(lane));
            Assert.All(TimelineSvg.Spans(lane), s => Assert.Contains(s, new[] { "busy", "waiting", "stalled" }));
            var sum = TimelineSvg.Fraction(lane, "busy") + TimelineSvg.Fraction(lane, "waiting") + TimelineSvg.Fraction(lane, "stalled");
            Assert.InRange(sum, 0.99, 1.01);
        }
        Assert.Contains(result.StderrLines, l => l.Contains($"timeline (5 lanes) written to {path}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_with_a_png_timeline_writes_a_png()
    {
        var path = Path.Combine(cli.TempDir, "quickstart-timeline.png");

        var result = await cli.RunAsync("run", "examples/quickstart.json", "--timeline", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 1000, $"{bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
    }

    [Fact]
    public async Task Run_with_a_timeline_of_another_format_exits_2_before_running()
    {
        var result = await cli.RunAsync("run", "examples/quickstart.json", "--timeline", "chart.pdf");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains("chart.pdf", StringComparison.Ordinal) && l.Contains(".svg or .png", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("list")]
    [InlineData("timeline", "0123456789abcdef", "-o", "t.svg")]
    public async Task Commands_that_read_a_cluster_need_cluster(params string[] args)
    {
        var result = await cli.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("--cluster", StringComparison.Ordinal));
    }
}
