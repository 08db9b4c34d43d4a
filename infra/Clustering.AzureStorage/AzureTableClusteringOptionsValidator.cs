using Orleans;
using Orleans.Runtime;

namespace Dagger.Orleans.Clustering.AzureStorage;

/// <summary>Checks <see cref="AzureTableClusteringOptions"/> when the silo or client starts, naming the bad setting.</summary>
internal sealed class AzureTableClusteringOptionsValidator(AzureTableClusteringOptions options, string role) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (options.TableServiceClient is null)
        {
            Fail(nameof(options.TableServiceClient), "is not set: give it a TableServiceClient, e.g. new TableServiceClient(\"UseDevelopmentStorage=true\") for Azurite");
        }
        if (!MembershipRows.IsValidTableName(options.TableName))
        {
            Fail(nameof(options.TableName), $"'{options.TableName}' is not an Azure table name: 3 to 63 letters and digits, starting with a letter");
        }
    }

    private void Fail(string setting, string problem) =>
        throw new OrleansConfigurationException($"Azure Table clustering ({role}): {nameof(AzureTableClusteringOptions)}.{setting} {problem}");
}
