using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>Issue 18's reproduction: <c>collect</c> on an endless source once grew to 7 GB and died without a result document.</summary>
[Collection(CliCollection.Name)]
public sealed class ResultCapCommandTests(CliFixture cli)
{
    [Fact]
    public async Task Collect_on_an_endless_source_fails_at_the_default_cap_with_a_result_document_naming_node_and_cap()
    {
        var spec = cli.WriteSpec("endless-collect.json", """
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        var result = await cli.RunAsync("run", spec);

        Assert.True(result.ExitCode == 1, result.ToString());
        var document = result.Document();
        Assert.Equal("Failed", document.GetProperty("status").GetString());
        Assert.Contains("node 'out': its result grew past the cap of 67108864 bytes", document.GetProperty("error").GetString());
    }
}
