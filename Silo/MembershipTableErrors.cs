using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Dagger.Orleans.Silo;

/// <summary>
/// Orleans' Azure Table membership table, with its start-up failure said the way the other start-up errors are: the
/// table service's host:port (never the connection string: it holds the account key) and the setting it came from.
/// The official provider only says what the Azure SDK said ("Connection refused (127.0.0.1:10002)", "Retry failed after
/// 4 tries"), which names neither the table nor where to fix it.
/// </summary>
internal sealed class MembershipTableErrors(IMembershipTable inner, string where) : IMembershipTable
{
    /// <summary>Wraps the <see cref="IMembershipTable"/> that <c>UseAzureStorageClustering</c> registered.</summary>
    public static void Decorate(IServiceCollection services, TableServiceClient tables, string tableName, string setting)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IMembershipTable))
            ?? throw new InvalidOperationException("UseAzureStorageClustering registered no IMembershipTable: call it before decorating");
        services.Remove(registered);
        var where = Describe(tables, tableName, setting);
        services.AddSingleton<IMembershipTable>(sp => new MembershipTableErrors(Create(sp, registered), where));
    }

    /// <summary>"the membership table 'T' at host:port (setting S)".</summary>
    public static string Describe(TableServiceClient tables, string tableName, string setting) =>
        $"the Azure Tables membership table '{tableName}' at {tables.Uri.Host}:{tables.Uri.Port} (setting {setting})";

    private static IMembershipTable Create(IServiceProvider services, ServiceDescriptor registered) => registered switch
    {
        { ImplementationInstance: IMembershipTable instance } => instance,
        { ImplementationFactory: { } factory } => (IMembershipTable)factory(services),
        { ImplementationType: { } type } => (IMembershipTable)ActivatorUtilities.CreateInstance(services, type),
        _ => throw new InvalidOperationException($"cannot decorate the IMembershipTable registration {registered}"),
    };

    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        try
        {
            await inner.InitializeMembershipTableAsync(tryInitTableVersion, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OrleansException($"{where} cannot be used", e);
        }
    }

    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken) => inner.DeleteMembershipTableEntriesAsync(clusterId, cancellationToken);
    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken) => inner.CleanupDefunctSiloEntriesAsync(beforeDate, cancellationToken);
    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken) => inner.ReadRowAsync(key, cancellationToken);
    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) => inner.ReadAllAsync(cancellationToken);
    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken) => inner.InsertRowAsync(entry, tableVersion, cancellationToken);
    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken) => inner.UpdateRowAsync(entry, etag, tableVersion, cancellationToken);
    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken) => inner.UpdateIAmAliveAsync(entry, cancellationToken);

    // The interface's older forms, still abstract in Orleans 10; everything above goes through the cancellable ones.
    [Obsolete("Use InitializeMembershipTableAsync")] public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);
    [Obsolete("Use DeleteMembershipTableEntriesAsync")] public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);
    [Obsolete("Use CleanupDefunctSiloEntriesAsync")] public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);
    [Obsolete("Use ReadRowAsync")] public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);
    [Obsolete("Use ReadAllAsync")] public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);
    [Obsolete("Use InsertRowAsync")] public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);
    [Obsolete("Use UpdateRowAsync")] public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);
    [Obsolete("Use UpdateIAmAliveAsync")] public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);
}
