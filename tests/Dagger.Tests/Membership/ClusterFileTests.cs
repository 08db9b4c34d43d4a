using Dagger.Orleans.Client;
using Xunit;

namespace Dagger.Orleans.Tests.Membership;

/// <summary>The <c>--cluster FILE</c> forms: gateways (unchanged) or an Azure Tables membership table.</summary>
public sealed class ClusterFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"dagger-cluster-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_path);

    private ClusterFile Load(string json)
    {
        File.WriteAllText(_path, json);
        return ClusterFile.Load(_path);
    }

    private ClusterFileException Refused(string json) => Assert.Throws<ClusterFileException>(() => Load(json));

    [Fact]
    public void A_gateway_file_loads_as_before()
    {
        var file = Load("""{ "clusterId": "dev", "serviceId": "dagger", "gateways": ["127.0.0.1:30000", "127.0.0.1:30001"] }""");

        Assert.Equal(["127.0.0.1:30000", "127.0.0.1:30001"], file.Gateways);
        Assert.Null(file.AzureTables);
    }

    [Fact]
    public void A_file_with_neither_form_still_means_the_local_default_gateway()
    {
        Assert.Equal(["127.0.0.1:30000"], Load("""{ "clusterId": "dev" }""").Gateways);
    }

    [Fact]
    public void An_azure_tables_file_loads_with_its_connection_string_and_no_gateways()
    {
        var file = Load("""{ "clusterId": "local", "serviceId": "dagger", "azureTables": "UseDevelopmentStorage=true" }""");

        Assert.Equal("UseDevelopmentStorage=true", file.AzureTables);
        Assert.Empty(file.Gateways);
        Assert.Equal("local", file.ClusterId);
    }

    [Fact]
    public void Both_forms_at_once_are_refused()
    {
        var error = Refused("""{ "clusterId": "x", "gateways": ["127.0.0.1:30000"], "azureTables": "UseDevelopmentStorage=true" }""");

        Assert.Contains("either 'gateways' or 'azureTables', not both", error.Message);
        Assert.Contains(_path, error.Message);
    }

    [Fact]
    public void An_empty_connection_string_is_refused()
    {
        Assert.Contains("'azureTables' is empty", Refused("""{ "azureTables": " " }""").Message);
    }

    [Fact]
    public void A_malformed_connection_string_is_refused_without_echoing_it()
    {
        var error = Refused("""{ "azureTables": "AccountKey=c2VjcmV0;nonsense" }""");

        Assert.Contains("'azureTables' is not a storage connection string", error.Message);
        Assert.DoesNotContain("c2VjcmV0", error.Message);
    }

    [Fact]
    public void An_unknown_field_is_still_refused()
    {
        Assert.Contains("azureTable", Refused("""{ "azureTable": "UseDevelopmentStorage=true" }""").Message);
    }
}
