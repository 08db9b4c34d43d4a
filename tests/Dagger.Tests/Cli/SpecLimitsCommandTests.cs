using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>Issue 18's limit reproductions through the command line: refused at validation (exit 2), not at run time.</summary>
[Collection(CliCollection.Name)]
public sealed class SpecLimitsCommandTests(CliFixture cli)
{
    private static string WithBatch(string batch) => $$"""
        { "defaults": { "batch": {{batch}} },
          "nodes": [ { "id": "src", "op": "range", "args": { "count": 3 } }, { "id": "out", "op": "collect" } ],
          "edges": [ { "from": "src", "to": "out" } ] }
        """;

    [Theory]
    [InlineData("2147483647")]
    [InlineData("2147483648")]
    public async Task A_batch_past_the_limit_is_refused_by_validate_and_by_run_naming_the_limit(string batch)
    {
        var spec = cli.WriteSpec($"batch-{batch}.json", WithBatch(batch));

        var validate = await cli.RunAsync("validate", spec);
        var run = await cli.RunAsync("run", spec);

        Assert.True(validate.ExitCode == 2, validate.ToString());
        Assert.Contains($"  defaults.batch: {batch} elements is more than the limit of 1048576 (MaxBatch)", validate.StderrLines);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"defaults.batch: {batch} elements is more than the limit of 1048576 (MaxBatch)", run.Stderr);
    }

    [Fact]
    public async Task A_spec_file_bigger_than_the_limit_is_refused_without_being_read_or_echoed()
    {
        var spec = cli.WriteSpec("huge-op.json", $$"""
            { "nodes": [ { "id": "src", "op": "{{new string('x', 10 << 20)}}" }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        var result = await cli.RunAsync("validate", spec);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.StartsWith("  spec: ", StringComparison.Ordinal) && l.EndsWith("bytes is more than the limit of 4194304 bytes (MaxSpecBytes)", StringComparison.Ordinal));
        Assert.True(result.Stderr.Length < 1000, $"stderr has {result.Stderr.Length} characters");
    }

    [Fact]
    public async Task A_trailing_comma_is_refused_by_validate()
    {
        var spec = cli.WriteSpec("trailing-comma.json", """
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 3 } }, { "id": "out", "op": "collect" }, ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        var result = await cli.RunAsync("validate", spec);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("spec: not valid JSON: a trailing comma (line 1", StringComparison.Ordinal));
    }
}
