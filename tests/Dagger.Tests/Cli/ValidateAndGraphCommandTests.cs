using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary><c>dagger validate</c> and <c>dagger graph</c>: offline commands that start no silo.</summary>
[Collection(CliCollection.Name)]
public class ValidateAndGraphCommandTests(CliFixture cli)
{
    [Fact]
    public async Task Validate_of_a_valid_spec_exits_0()
    {
        var result = await cli.RunAsync("validate", "examples/quickstart.json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("examples/quickstart.json: valid (5 nodes, 5 edges)", result.Stdout.Trim());
    }

    [Fact]
    public async Task Validate_of_an_invalid_spec_exits_2_with_each_problem_on_its_own_stderr_line()
    {
        var spec = cli.WriteSpec("three-problems.json", CliSpecs.ThreeProblems);

        var result = await cli.RunAsync("validate", spec);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        var lines = result.StderrLines;
        Assert.Equal($"{spec}: 3 problems:", lines[0]);
        Assert.Equal(
            [
                "  node 'src': unknown operator 'rnage' (did you mean 'range'?)",
                "  node 'a': operator 'scale' needs argument 'factor' (the multiplier)",
                "  edge 1 (a -> out): transport: unknown transport 'pigeon' (one of memory, nats, mqtt, shm)",
            ],
            lines.Skip(1));
    }

    [Fact]
    public async Task Validate_of_text_that_is_not_json_exits_2_saying_so()
    {
        var spec = cli.WriteSpec("not-json.json", "this is not { json");

        var result = await cli.RunAsync("validate", spec);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("spec: not valid JSON", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("validate")]
    [InlineData("graph")]
    public async Task A_spec_file_that_does_not_exist_gives_exit_2_and_a_message_naming_it(string command)
    {
        var result = await cli.RunAsync(command, "examples/no-such-spec.json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains("examples/no-such-spec.json", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData]
    [InlineData("--format", "dot")]
    public async Task Graph_as_dot_names_every_node_and_edge(params string[] format)
    {
        var result = await cli.RunAsync(["graph", "examples/quickstart.json", .. format]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var dot = result.Stdout;
        Assert.StartsWith("digraph \"diamond\" {", dot);
        Assert.EndsWith("}", dot.TrimEnd());
        foreach (var (id, op) in new[] { ("src", "range"), ("a", "scale"), ("b", "offset"), ("join", "add"), ("out", "collect") })
            Assert.Contains($"\"{id}\" [label=\"{id}\\n{op}", dot);
        Assert.Contains("\"src\" -> \"a\";", dot);
        Assert.Contains("\"src\" -> \"b\";", dot);
        Assert.Contains("\"a\" -> \"join\" [label=\"port 0\"];", dot);
        Assert.Contains("\"b\" -> \"join\" [label=\"port 1\"];", dot);
        Assert.Contains("\"join\" -> \"out\";", dot);
        Assert.Equal(5, dot.Split('\n').Count(l => l.Contains("->", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Graph_as_mermaid_names_every_node_and_edge()
    {
        var result = await cli.RunAsync("graph", "examples/quickstart.json", "--format", "mermaid");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        Assert.Equal("flowchart LR", lines[0]);
        // Mermaid node keys are positional (n0, n1, ...); the label carries the node id and operator.
        Assert.Contains("n0[\"src: range\"]", lines);
        Assert.Contains("n1[\"a: scale\"]", lines);
        Assert.Contains("n2[\"b: offset\"]", lines);
        Assert.Contains("n3[\"join: add\"]", lines);
        Assert.Contains("n4[\"out: collect\"]", lines);
        Assert.Equal(["n0 --> n1", "n0 --> n2", "n1 --> n3", "n2 -->|port 1| n3", "n3 --> n4"], lines.Where(l => l.Contains("-->", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Graph_with_an_unknown_format_exits_2()
    {
        var result = await cli.RunAsync("graph", "examples/quickstart.json", "--format", "svg");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains("svg", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Graph_of_an_invalid_spec_exits_2_listing_its_problems()
    {
        var spec = cli.WriteSpec("graph-invalid.json", CliSpecs.ThreeProblems);

        var result = await cli.RunAsync("graph", spec);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains("unknown operator 'rnage'", StringComparison.Ordinal));
    }
}
