using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Messaging;
using Orleans.Runtime;

namespace Dagger.Orleans.Client;

/// <summary>
/// Orleans' Azure Table gateway list, with a table that cannot be read said in one line naming the table service's
/// host:port (never the connection string: it holds the account key) and the cluster file's <c>azureTables</c>. The
/// official provider only passes on what the Azure SDK said, naming neither.
/// </summary>
internal sealed class GatewayListErrors(IGatewayListProvider inner, string where) : IGatewayListProvider
{
    /// <summary>Wraps the <see cref="IGatewayListProvider"/> that <c>UseAzureStorageClustering</c> registered.</summary>
    public static void Decorate(IServiceCollection services, TableServiceClient tables)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IGatewayListProvider))
            ?? throw new InvalidOperationException("UseAzureStorageClustering registered no IGatewayListProvider: call it before decorating");
        services.Remove(registered);
        // The client reads Orleans' default table, the one silos write unless Dagger:Clustering:TableName says otherwise.
        var where = $"the Azure Tables membership table at {tables.Uri.Host}:{tables.Uri.Port} (the cluster file's azureTables)";
        services.AddSingleton<IGatewayListProvider>(sp => new GatewayListErrors(Create(sp, registered), where));
    }

    private static IGatewayListProvider Create(IServiceProvider services, ServiceDescriptor registered) => registered switch
    {
        { ImplementationInstance: IGatewayListProvider instance } => instance,
        { ImplementationFactory: { } factory } => (IGatewayListProvider)factory(services),
        { ImplementationType: { } type } => (IGatewayListProvider)ActivatorUtilities.CreateInstance(services, type),
        _ => throw new InvalidOperationException($"cannot decorate the IGatewayListProvider registration {registered}"),
    };

    public TimeSpan MaxStaleness => inner.MaxStaleness;
    [Obsolete("Orleans no longer reads it")] public bool IsUpdatable => true;

    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken) => Explained(() => inner.InitializeGatewayListProviderAsync(cancellationToken));
    public Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken) => Explained(() => inner.GetGatewaysAsync(cancellationToken));

    // The interface's older forms, still abstract in Orleans 10.
    [Obsolete("Use InitializeGatewayListProviderAsync")] public Task InitializeGatewayListProvider() => InitializeGatewayListProviderAsync(CancellationToken.None);
    [Obsolete("Use GetGatewaysAsync")] public Task<IList<Uri>> GetGateways() => GetGatewaysAsync(CancellationToken.None);

    private async Task Explained(Func<Task> call)
    {
        try { await call(); }
        catch (Exception e) { throw Unreadable(e); }
    }

    private async Task<T> Explained<T>(Func<Task<T>> call)
    {
        try { return await call(); }
        catch (Exception e) { throw Unreadable(e); }
    }

    // One line: the SDK's messages run over several (status, error code, headers).
    private OrleansException Unreadable(Exception e) =>
        new($"{where} cannot be read: {e.GetBaseException().Message.ReplaceLineEndings(" ").Trim()}", e);
}
