using Azure.Data.Tables;
using Dagger.Orleans.Persistence.AzureStorage;
using Dagger.Orleans.Tests.Servers;
using Orleans.Runtime;
using Xunit;

namespace Dagger.Orleans.Tests.Storage;

/// <summary>Settings checks, secrets in messages, and the escaping that keeps different services, grains and states apart (no server).</summary>
public sealed class AzureTableGrainStorageOptionsTests
{
    private const string ConnectionString =
        $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:10000/{AzuriteFixture.AccountName};TableEndpoint=http://127.0.0.1:10002/{AzuriteFixture.AccountName};";

    [Fact]
    public void A_provider_without_a_table_client_fails_validation_naming_the_setting_and_the_provider()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => new AzureTableGrainStorageOptionsValidator(new AzureTableGrainStorageOptions(), "azure").ValidateConfiguration());

        Assert.Contains("AzureTableGrainStorageOptions.TableServiceClient", error.Message);
        Assert.Contains("'azure'", error.Message);
    }

    [Theory]
    [InlineData("TableName", "1starts-with-digit")]
    [InlineData("TableName", "has-hyphen")]
    [InlineData("TableName", "ab")]
    [InlineData("ContainerName", "Upper")]
    [InlineData("ContainerName", "double--hyphen")]
    [InlineData("OperationTimeout", null)]
    public void A_bad_setting_fails_validation_naming_it(string setting, string? value)
    {
        var options = new AzureTableGrainStorageOptions().UseConnectionString(ConnectionString);
        switch (setting)
        {
            case "TableName": options.TableName = value!; break;
            case "ContainerName": options.ContainerName = value!; break;
            default: options.OperationTimeout = TimeSpan.Zero; break;
        }

        var error = Assert.Throws<OrleansConfigurationException>(() => new AzureTableGrainStorageOptionsValidator(options, "azure").ValidateConfiguration());

        Assert.Contains($"AzureTableGrainStorageOptions.{setting}", error.Message);
    }

    [Fact]
    public void Options_set_from_a_connection_string_validate_and_show_endpoints_but_never_the_account_key()
    {
        var options = new AzureTableGrainStorageOptions().UseConnectionString(ConnectionString);

        new AzureTableGrainStorageOptionsValidator(options, "azure").ValidateConfiguration();
        var text = options.ToString();

        Assert.Contains("http://127.0.0.1:10002/devstoreaccount1", text);
        Assert.Contains("http://127.0.0.1:10000/devstoreaccount1", text);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, text);
        Assert.DoesNotContain(AzuriteFixture.AccountKey[..12], text);
    }

    [Fact]
    public void Endpoints_in_messages_drop_a_sas_token()
    {
        var client = new TableServiceClient(new Uri("https://account.table.core.windows.net/?sv=2024&sig=secret-signature"));

        var text = new AzureTableGrainStorageOptions { TableServiceClient = client }.ToString();

        Assert.Contains("https://account.table.core.windows.net/", text);
        Assert.DoesNotContain("secret-signature", text);
    }

    [Fact]
    public void Keys_escape_the_characters_azure_forbids_and_the_separator_so_lookalike_names_stay_apart()
    {
        var plain = StorageNames.PartitionKey("service", GrainId.Create("type", "a/b"));
        var separatorInServiceId = StorageNames.PartitionKey("service|type", GrainId.Create("x", "a"));
        var separatorInKey = StorageNames.PartitionKey("service", GrainId.Create("type", "a|b"));

        foreach (var key in new[] { plain, separatorInServiceId, separatorInKey, StorageNames.RowKey("state/#?\\\u0001~") })
        {
            Assert.DoesNotContain('/', key);
            Assert.DoesNotContain('\\', key);
            Assert.DoesNotContain('#', key);
            Assert.DoesNotContain('?', key);
            Assert.DoesNotContain('\u0001', key);
        }
        Assert.Equal("service|type~2Fa~2Fb", plain);
        Assert.NotEqual(StorageNames.PartitionKey("service", GrainId.Create("type", "a_b")), plain);
        Assert.NotEqual(StorageNames.RowKey("a~2F"), StorageNames.RowKey("a/"));
        Assert.Equal(2, separatorInServiceId.Split('|').Length);
    }

    [Fact]
    public void Very_long_keys_are_bounded_and_still_distinct()
    {
        var longKey = new string('k', 2000);
        var first = StorageNames.PartitionKey("service", GrainId.Create("type", longKey + "1"));
        var second = StorageNames.PartitionKey("service", GrainId.Create("type", longKey + "2"));

        Assert.True(first.Length <= 480, $"key is {first.Length} characters");
        Assert.NotEqual(first, second);
    }
}
