using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>
/// Issue 17 on a cluster of two silo processes: a result of several MB (many 1 MiB chunks in the silos' memory result
/// store) is streamed into the result document, or with <c>--results-dir</c> into a file the client writes.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ClusterResultsCommandTests(CliFixture cli, SiloProcessCluster cluster) : IClassFixture<SiloProcessCluster>
{
    private const int Count = 500_000;

    private string Spec() => cli.WriteSpec("cluster-collect.json", $$"""
        { "nodes": [ { "id": "src", "op": "range", "args": { "count": {{Count}} } }, { "id": "out", "op": "collect" }, { "id": "n", "op": "count" } ],
          "edges": [ { "from": "src", "to": "out" }, { "from": "src", "to": "n" } ] }
        """);

    [Fact]
    public async Task Run_on_a_cluster_prints_a_result_of_several_chunks_whole_in_the_document()
    {
        var result = await cli.RunAsync("run", Spec(), "--cluster", cluster.ClusterFile);

        Assert.True(result.ExitCode == 0, result.ToString());
        var results = result.Document().GetProperty("results");
        var values = results.GetProperty("out");
        Assert.Equal(Count, values.GetArrayLength());
        Assert.Equal(Enumerable.Range(0, Count).Select(i => (long)i), values.EnumerateArray().Select(v => v.GetInt64()));
        Assert.Equal(Count, results.GetProperty("n").GetInt64());
    }

    [Fact]
    public async Task Run_on_a_cluster_with_results_dir_writes_each_result_to_a_file_the_document_names()
    {
        var directory = Path.Combine(cli.TempDir, "cluster-results-" + Guid.NewGuid().ToString("N")[..8]);

        var result = await cli.RunAsync("run", Spec(), "--cluster", cluster.ClusterFile, "--results-dir", directory);

        Assert.True(result.ExitCode == 0, result.ToString());
        var entry = result.Document().GetProperty("results").GetProperty("out");
        var path = Path.Combine(directory, "out.json");
        Assert.Equal(path, entry.GetProperty("file").GetString());
        Assert.Equal(new FileInfo(path).Length, entry.GetProperty("bytes").GetInt64());
        Assert.Equal(ExpectedJsonText(), File.ReadAllText(path));
        Assert.Equal(Path.Combine(directory, "n.json"), result.Document().GetProperty("results").GetProperty("n").GetProperty("file").GetString());
        Assert.Equal(Count.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(directory, "n.json")));
    }

    private static string ExpectedJsonText() => Results.ExpectedJson.RangeArray(Count);
}
