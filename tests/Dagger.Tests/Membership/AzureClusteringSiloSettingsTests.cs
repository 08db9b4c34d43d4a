using Dagger.Orleans.Tests.Cli;
using Dagger.Orleans.Tests.Servers;
using Xunit;

namespace Dagger.Orleans.Tests.Membership;

/// <summary>A silo process told to use azure clustering badly stops before it runs, saying which setting and which server.</summary>
public sealed class AzureClusteringSiloSettingsTests
{
    [Fact]
    public async Task A_silo_whose_storage_cannot_be_reached_fails_start_up_naming_the_endpoint_and_the_setting()
    {
        var port = ServerProcess.FreeLoopbackPort();
        var connection = $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};TableEndpoint=http://127.0.0.1:{port}/{AzuriteFixture.AccountName};";

        var result = await RunSiloAsync(AzureSiloProcesses.SiloArguments(connection, MembershipTables.NewClusterId(), ServerProcess.FreeLoopbackPort(), ServerProcess.FreeLoopbackPort()));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"127.0.0.1:{port}", result.Stderr);
        Assert.Contains("Dagger:Clustering:AzureStorage", result.Stderr);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, result.Stderr);
    }

    [Theory]
    [InlineData("--Dagger:Clustering:Provider=consul", "Dagger:Clustering:Provider 'consul'")]
    [InlineData("--Dagger:Clustering:Provider=azure", "Dagger:Clustering:AzureStorage is empty")]
    [InlineData("--Dagger:Clustering:Membership:ProbeTimeut=00:00:01", "ProbeTimeut")]
    public async Task A_bad_clustering_setting_stops_the_silo_with_exit_code_2_naming_it(string setting, string named)
    {
        var result = await RunSiloAsync([setting]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.Stderr);
    }

    [Fact]
    public async Task A_connection_string_that_is_not_one_is_refused_without_echoing_it()
    {
        var result = await RunSiloAsync(["--Dagger:Clustering:Provider=azure", "--Dagger:Clustering:AzureStorage=AccountKey=c2VjcmV0;nonsense"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Dagger:Clustering:AzureStorage is not a storage connection string", result.Stderr);
        Assert.DoesNotContain("c2VjcmV0", result.Stderr);
    }

    private static async Task<CliResult> RunSiloAsync(string[] args)
    {
        using var silo = CliProcess.Start(AzureSiloProcesses.SiloDll, Path.GetDirectoryName(AzureSiloProcesses.SiloDll)!,
            [.. args, $"--Dagger:Silo:SiloPort={ServerProcess.FreeLoopbackPort()}", $"--Dagger:Silo:GatewayPort={ServerProcess.FreeLoopbackPort()}"]);
        return await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
    }
}
