using Azure.Data.Tables;

namespace Dagger.Orleans.Silo;

/// <summary>An Azure storage connection string given in a settings section (clustering, run state), checked before the silo starts.</summary>
internal static class StorageConnectionSetting
{
    /// <summary>
    /// A table client for <paramref name="connectionString"/>, the setting <paramref name="section"/>:AzureStorage;
    /// throws naming the setting when it is empty or not a connection string — never echoing it (it holds the account key).
    /// </summary>
    public static TableServiceClient Parse(string? connectionString, string section, string provider, string profile)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"profile '{profile}': {section}:Provider is '{provider}' but {section}:AzureStorage is empty: give a storage connection string, e.g. UseDevelopmentStorage=true for Azurite");
        }
        try
        {
            return new TableServiceClient(connectionString);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException($"profile '{profile}': {section}:AzureStorage is not a storage connection string ({e.GetType().Name}: {e.Message})");
        }
    }
}
