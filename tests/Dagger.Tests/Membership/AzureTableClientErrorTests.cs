using Dagger.Orleans.Client;
using Dagger.Orleans.Tests.Servers;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Dagger.Orleans.Tests.Membership;

/// <summary>A client whose cluster file's <c>azureTables</c> cannot be read says so in one line: where, and which setting.</summary>
public sealed class AzureTableClientErrorTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"dagger-cluster-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task A_membership_table_on_a_closed_port_fails_the_connect_naming_the_endpoint_and_azureTables()
    {
        var port = ServerProcess.FreeLoopbackPort();
        var connection = $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};TableEndpoint=http://127.0.0.1:{port}/{AzuriteFixture.AccountName};";
        await File.WriteAllTextAsync(_path, System.Text.Json.JsonSerializer.Serialize(new { clusterId = MembershipTables.NewClusterId(), azureTables = connection }));

        var error = await Assert.ThrowsAsync<ClusterUnreachableException>(() => DaggerClient.ConnectAsync(ClusterFile.Load(_path), logLevel: LogLevel.None));

        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.Contains("azureTables", error.Message);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
