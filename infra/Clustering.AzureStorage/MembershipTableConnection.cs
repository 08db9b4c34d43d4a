using Azure.Data.Tables;

namespace Dagger.Orleans.Clustering.AzureStorage;

/// <summary>Opens the membership table for one cluster, creating it when missing; unreachable storage fails here, naming the endpoint and the setting.</summary>
internal static class MembershipTableConnection
{
    public static async Task<TableClient> OpenAsync(AzureTableClusteringOptions options, string clusterId, CancellationToken cancellation = default)
    {
        if (!MembershipRows.IsValidPartitionKey(clusterId))
        {
            throw new AzureTableClusteringException(
                $"Azure Table clustering: ClusterOptions.ClusterId '{clusterId}' cannot be a table partition key (1 to 512 characters without '/', '\\', '#', '?' or control characters)");
        }
        var service = options.TableServiceClient
            ?? throw new AzureTableClusteringException($"Azure Table clustering: {nameof(AzureTableClusteringOptions)}.{nameof(AzureTableClusteringOptions.TableServiceClient)} is not set");
        var table = service.GetTableClient(options.TableName);
        try
        {
            await table.CreateIfNotExistsAsync(cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            throw new AzureTableClusteringException(
                $"Azure Table clustering: cannot open the membership table '{options.TableName}' at {service.Uri} (from {options.SettingName}): {Describe(e)}", e);
        }
        return table;
    }

    /// <summary>The Azure SDK wraps a refused connection in "Retry failed after N tries": the innermost message says what actually happened.</summary>
    private static string Describe(Exception e)
    {
        var innermost = e;
        while (innermost.InnerException is { } inner) innermost = inner;
        return ReferenceEquals(innermost, e) ? e.Message : $"{e.Message} ({innermost.Message})";
    }
}
