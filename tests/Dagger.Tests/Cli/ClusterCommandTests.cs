using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>
/// <c>submit</c>, <c>status</c> and <c>cancel</c> need <c>--cluster</c>; these tests cover their option handling,
/// which needs no running cluster.
/// </summary>
[Collection(CliCollection.Name)]
public class ClusterCommandTests(CliFixture cli)
{
    [Fact]
    public async Task Submit_without_a_cluster_file_exits_2_naming_the_option()
    {
        var result = await cli.RunAsync("submit", "examples/quickstart.json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains("--cluster", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("cancel")]
    public async Task A_cluster_file_that_does_not_exist_gives_exit_2_naming_it(string command)
    {
        var result = await cli.RunAsync(command, "x", "--cluster", "missing.json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains("missing.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cluster_file_with_a_bad_gateway_gives_exit_2_naming_the_gateway()
    {
        var cluster = cli.WriteSpec("bad-gateway.cluster.json", """{ "gateways": ["not-an-address"] }""");

        var result = await cli.RunAsync("status", "x", "--cluster", cluster);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("not-an-address", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_command_exits_2()
    {
        var result = await cli.RunAsync("launch", "examples/quickstart.json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("dagger --help", StringComparison.Ordinal));
    }
}
