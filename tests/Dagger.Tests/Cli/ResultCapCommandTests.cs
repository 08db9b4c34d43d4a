using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>Issue 18's reproduction: <c>collect</c> on an endless source once grew to 7 GB and died without a result document.</summary>
[Collection(CliCollection.Name)]
public sealed class ResultCapCommandTests(CliFixture cli)
{
    [Fact]
    public async Task Collect_on_an_endless_source_fails_at_the_embedded_default_cap_with_a_result_document_naming_node_and_cap()
    {
        var spec = cli.WriteSpec("endless-collect.json", """
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        var result = await cli.RunAsync("run", spec);

        Assert.True(result.ExitCode == 1, result.ToString());
        var document = result.Document();
        Assert.Equal("Failed", document.GetProperty("status").GetString());
        Assert.Contains("node 'out': its result grew past the cap of 268435456 bytes", document.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_collect_of_ten_million_elements_completes_under_the_embedded_default_cap_and_prints_them_all()
    {
        // Issue 17: ~79 MB of JSON, written to the embedded silo's result store in 1 MiB chunks as it arrives (under its
        // cap of 256 MiB) and copied to stdout chunk by chunk.
        var spec = cli.WriteSpec("collect-10m.json", """
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 10000000 } }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        var result = await cli.RunAsync("run", spec);

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = result.Document();
        Assert.Equal("Completed", document.GetProperty("status").GetString());
        var values = document.GetProperty("results").GetProperty("out");
        Assert.Equal(10_000_000, values.GetArrayLength());
        Assert.Equal(0, values[0].GetInt64());
        Assert.Equal(1_234_567, values[1_234_567].GetInt64());
        Assert.Equal(9_999_999, values[9_999_999].GetInt64());
    }

    [Fact]
    public async Task Run_with_results_dir_writes_each_result_to_a_file_the_document_names()
    {
        var spec = cli.WriteSpec("results-dir.json", """
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 300000 } }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);
        var directory = Path.Combine(cli.TempDir, "results-" + Guid.NewGuid().ToString("N")[..8]);

        var result = await cli.RunAsync("run", spec, "--results-dir", directory);

        Assert.True(result.ExitCode == 0, result.ToString());
        var entry = result.Document().GetProperty("results").GetProperty("out");
        Assert.Equal(Path.Combine(directory, "out.json"), entry.GetProperty("file").GetString());
        using var file = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "out.json")));
        Assert.Equal(300_000, file.RootElement.GetArrayLength());
        Assert.Equal(299_999, file.RootElement[299_999].GetInt64());
    }
}
