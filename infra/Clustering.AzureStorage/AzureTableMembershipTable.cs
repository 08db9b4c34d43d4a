using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Dagger.Orleans.Clustering.AzureStorage;

/// <summary>
/// Orleans' membership table on Azure Tables. Every membership change (a silo's row inserted or updated) is one
/// entity-group transaction that also replaces the cluster's version row under the ETag the writer last read: two
/// silos racing to change membership cannot both win, and the loser hears <c>false</c> and re-reads, as the Orleans
/// membership protocol expects. I-am-alive timestamps are merged without an ETag and do not bump the version.
/// </summary>
internal sealed class AzureTableMembershipTable(
    IOptions<AzureTableClusteringOptions> options,
    IOptions<ClusterOptions> clusterOptions,
    ILogger<AzureTableMembershipTable> logger) : IMembershipTable
{
    /// <summary>How often <see cref="ReadAll"/> re-reads a paged result that a concurrent change tore.</summary>
    private const int ConsistentReadAttempts = 5;

    /// <summary>Entities in one Azure Tables transaction, at most.</summary>
    private const int TransactionLimit = 100;

    private readonly AzureTableClusteringOptions _options = options.Value;
    private readonly string _clusterId = clusterOptions.Value.ClusterId;
    private TableClient? _table;

    private TableClient Table => _table ?? throw new InvalidOperationException("the Azure Table membership table was used before InitializeMembershipTable");

    public async Task InitializeMembershipTable(bool tryInitTableVersion)
    {
        _table = await MembershipTableConnection.OpenAsync(_options, _clusterId).ConfigureAwait(false);
        if (!tryInitTableVersion) return;
        try
        {
            await Table.AddEntityAsync(MembershipRows.VersionRow(_clusterId, 0)).ConfigureAwait(false);
            Log.CreatedVersionRow(logger, _clusterId, _options.TableName);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Another silo of this cluster created it first: what matters is that it exists.
        }
    }

    public async Task DeleteMembershipTableEntries(string clusterId)
    {
        if (!MembershipRows.IsValidPartitionKey(clusterId)) throw new ArgumentException($"'{clusterId}' is not a cluster id this table can hold", nameof(clusterId));
        var batch = new List<TableTransactionAction>(TransactionLimit);
        var query = Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {clusterId}"), select: ["PartitionKey", "RowKey"]);
        await foreach (var row in query.ConfigureAwait(false))
        {
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
            if (batch.Count == TransactionLimit) await SubmitDeletesAsync(batch).ConfigureAwait(false);
        }
        if (batch.Count > 0) await SubmitDeletesAsync(batch).ConfigureAwait(false);
    }

    public async Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        var removed = 0;
        var query = Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {_clusterId}"));
        await foreach (var row in query.ConfigureAwait(false))
        {
            if (row.RowKey == MembershipRows.VersionRowKey || row.GetString(MembershipRows.Status) == nameof(SiloStatus.Active)) continue;
            if (MembershipRows.LastAlive(row) >= beforeDate) continue;
            try
            {
                // Under the row's ETag: a row that changed since this read is not defunct after all.
                await Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag).ConfigureAwait(false);
                removed++;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Gone already, or written since: either way not ours to delete now.
            }
        }
        if (removed > 0) Log.RemovedDefunct(logger, removed, _clusterId, beforeDate);
    }

    public async Task<MembershipTableData> ReadRow(SiloAddress key)
    {
        var rowKey = MembershipRows.RowKey(key);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {_clusterId} and (RowKey eq {rowKey} or RowKey eq {MembershipRows.VersionRowKey})");
        var rows = new List<TableEntity>(2);
        await foreach (var row in Table.QueryAsync<TableEntity>(filter).ConfigureAwait(false)) rows.Add(row);
        return ToTableData(rows);
    }

    public async Task<MembershipTableData> ReadAll()
    {
        for (var attempt = 1; ; attempt++)
        {
            var rows = new List<TableEntity>();
            var pages = 0;
            await foreach (var page in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {_clusterId}")).AsPages().ConfigureAwait(false))
            {
                pages++;
                rows.AddRange(page.Values);
            }
            // One page is one consistent read. Across pages, a membership change could land between them; every change
            // replaces the version row, so an unchanged version ETag after the last page proves the pages agree.
            if (pages <= 1 || await VersionUnchangedAsync(rows).ConfigureAwait(false)) return ToTableData(rows);
            Log.TornRead(logger, _clusterId);
            if (attempt == ConsistentReadAttempts)
            {
                throw new AzureTableClusteringException(
                    $"Azure Table clustering: membership of cluster '{_clusterId}' in table '{_options.TableName}' kept changing during {ConsistentReadAttempts} paged reads");
            }
        }
    }

    public async Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion)
    {
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Add, MembershipRows.ToEntity(_clusterId, entry)),
            VersionUpdate(tableVersion),
        ];
        return await TryChangeMembershipAsync(entry, tableVersion, actions).ConfigureAwait(false);
    }

    public async Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion)
    {
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.UpdateReplace, MembershipRows.ToEntity(_clusterId, entry), new ETag(etag)),
            VersionUpdate(tableVersion),
        ];
        return await TryChangeMembershipAsync(entry, tableVersion, actions).ConfigureAwait(false);
    }

    public async Task UpdateIAmAlive(MembershipEntry entry) =>
        await Table.UpdateEntityAsync(MembershipRows.IAmAlive(_clusterId, entry), ETag.All, TableUpdateMode.Merge).ConfigureAwait(false);

    private TableTransactionAction VersionUpdate(TableVersion tableVersion) =>
        new(TableTransactionActionType.UpdateReplace, MembershipRows.VersionRow(_clusterId, tableVersion.Version), new ETag(tableVersion.VersionEtag));

    private async Task<bool> TryChangeMembershipAsync(MembershipEntry entry, TableVersion tableVersion, TableTransactionAction[] actions)
    {
        try
        {
            await Table.SubmitTransactionAsync(actions).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (IsLostRace(e.Status))
        {
            Log.WriteConflict(logger, entry.SiloAddress, e.Status, tableVersion);
            return false;
        }
    }

    /// <summary>409: the row exists already; 412: an ETag moved on; 404: the row or version row was removed meanwhile.</summary>
    private static bool IsLostRace(int status) => status is 409 or 412 or 404;

    private async Task<bool> VersionUnchangedAsync(List<TableEntity> rows)
    {
        var seen = rows.Find(static r => r.RowKey == MembershipRows.VersionRowKey);
        if (seen is null) return true; // ToTableData reports the missing row
        var now = await Table.GetEntityIfExistsAsync<TableEntity>(_clusterId, MembershipRows.VersionRowKey, select: ["RowKey"]).ConfigureAwait(false);
        return now.HasValue && now.Value!.ETag == seen.ETag;
    }

    private async Task SubmitDeletesAsync(List<TableTransactionAction> batch)
    {
        await Table.SubmitTransactionAsync(batch).ConfigureAwait(false);
        batch.Clear();
    }

    private MembershipTableData ToTableData(List<TableEntity> rows)
    {
        TableVersion? version = null;
        var members = new List<Tuple<MembershipEntry, string>>(rows.Count);
        foreach (var row in rows)
        {
            if (row.RowKey == MembershipRows.VersionRowKey)
            {
                version = new TableVersion(MembershipRows.Version(row), row.ETag.ToString());
                continue;
            }
            try
            {
                members.Add(Tuple.Create(MembershipRows.ToEntry(row), row.ETag.ToString()));
            }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
            {
                // One corrupt row must not stop the whole cluster from reading membership; it is reported, not hidden.
                Log.UnreadableRow(logger, e, row.RowKey, _clusterId, _options.TableName);
            }
        }
        if (version is null)
        {
            throw new AzureTableClusteringException(
                $"Azure Table clustering: cluster '{_clusterId}' has no version row in table '{_options.TableName}' (no silo of it has initialized the table)");
        }
        return new MembershipTableData(members, version);
    }
}
