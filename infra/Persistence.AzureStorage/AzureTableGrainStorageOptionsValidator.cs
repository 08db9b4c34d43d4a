using Orleans;
using Orleans.Runtime;

namespace Dagger.Orleans.Persistence.AzureStorage;

/// <summary>Checks a provider's <see cref="AzureTableGrainStorageOptions"/> when the silo starts, naming the bad setting.</summary>
internal sealed class AzureTableGrainStorageOptionsValidator(AzureTableGrainStorageOptions options, string providerName) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (options.TableServiceClient is null)
        {
            Fail(nameof(options.TableServiceClient), "is not set: give the provider a TableServiceClient (or call UseConnectionString)");
        }
        if (!StorageNames.IsValidTableName(options.TableName))
        {
            Fail(nameof(options.TableName), $"'{options.TableName}' is not an Azure table name: 3-63 letters and digits, starting with a letter");
        }
        if (!StorageNames.IsValidContainerName(options.ContainerName))
        {
            Fail(nameof(options.ContainerName),
                $"'{options.ContainerName}' is not a blob container name: 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit");
        }
        if (options.OperationTimeout <= TimeSpan.Zero) Fail(nameof(options.OperationTimeout), $"is {options.OperationTimeout}: it must be positive");
        if (options.StartupTimeout <= TimeSpan.Zero) Fail(nameof(options.StartupTimeout), $"is {options.StartupTimeout}: it must be positive");
    }

    private void Fail(string setting, string problem) =>
        throw new OrleansConfigurationException($"Azure table grain storage '{providerName}': {nameof(AzureTableGrainStorageOptions)}.{setting} {problem}");
}
