using System.Text;
using Azure.Data.Tables;
using Dagger.Orleans.Hosting;

namespace Dagger.Orleans.Runtime.Durability;

/// <summary>
/// Runs written by the previous Dagger version, which kept them with its own table storage (format 1): one row per
/// record in table <see cref="DefaultTableName"/>, partition key "{serviceId}|{grainId}", row key the state name
/// ("run" for a DAG grain's run, "list" for the run registry), properties Data/BlobId/Size, the value wrapped in
/// StoredBytes. This version reads none of it; rather than let those runs vanish without a word, a silo of the same
/// service that finds any fails its start, naming the table, the runs and what to do. The rows are left untouched.
/// </summary>
internal sealed class PreviousVersionState(TableServiceClient tables, string tableName, string serviceId, AzureStateStorageOptions options)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public const string DefaultTableName = "DaggerGrainState";

    // The previous provider's partition key: escaped service id, '|', escaped grain id ('~' escapes, as it wrote them).
    private const char Separator = '|';

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PreviousVersionState), ServiceLifecycleStage.ApplicationServices, CheckAsync);

    internal async Task CheckAsync(CancellationToken cancellation)
    {
        var table = tables.GetTableClient(tableName);
        var prefix = EscapeKeyPart(serviceId) + Separator;
        // Every partition of this service: from "{service}|" up to the next character after '|'.
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix[..^1] + (char)(Separator + 1)} and RowKey eq {"run"}");
        var runs = new List<string>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: cancellation))
            {
                runs.Add(row.PartitionKey[prefix.Length..]);
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return; // no such table: nothing was written by the previous version
        }
        catch (Exception e) when (e is Azure.RequestFailedException or AggregateException or HttpRequestException)
        {
            throw new PreviousVersionStateException(
                $"could not look for runs of the previous Dagger version in table '{tableName}' at {StorageEndpoints.Describe(tables.Uri)}: {e.Message}", e);
        }
        if (runs.Count == 0) return;
        var shown = string.Join(", ", runs.Take(5).Select(r => r.Replace("~2F", "/", StringComparison.Ordinal))) + (runs.Count > 5 ? $" and {runs.Count - 5} more" : "");
        throw new PreviousVersionStateException(
            $"table '{tableName}' at {StorageEndpoints.Describe(tables.Uri)} holds {runs.Count} run record(s) of service '{serviceId}' written by the previous Dagger version " +
            $"(its own table storage, format 1: {shown}); this version keeps runs in blob container '{options.ContainerName}' and checkpoints in table '{options.TableName}' " +
            $"and does not read them. Let those runs end and read their results with the previous version, or delete table '{tableName}' (or its rows of service '{serviceId}') to drop them; then start the silo again.");
    }

    private static string EscapeKeyPart(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '~' or Separator || char.IsControl(c)) escaped.Append('~').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else escaped.Append(c);
        }
        return escaped.ToString();
    }
}

/// <summary>A silo start found run state written by the previous Dagger version, which this one does not read: the message says where and what to do.</summary>
public sealed class PreviousVersionStateException : Exception
{
    public PreviousVersionStateException(string message) : base(message) { }

    public PreviousVersionStateException(string message, Exception inner) : base(message, inner) { }
}
