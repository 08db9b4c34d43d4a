using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;

namespace Dagger.Orleans.Clustering.AzureStorage;

/// <summary>A client's list of gateways: the silos of its cluster that the membership table shows Active with a gateway port.</summary>
internal sealed class AzureTableGatewayListProvider(
    IOptions<AzureTableClusteringOptions> options,
    IOptions<ClusterOptions> clusterOptions,
    IOptions<GatewayOptions> gatewayOptions,
    ILogger<AzureTableGatewayListProvider> logger) : IGatewayListProvider
{
    private readonly AzureTableClusteringOptions _options = options.Value;
    private readonly string _clusterId = clusterOptions.Value.ClusterId;
    private TableClient? _table;

    public TimeSpan MaxStaleness { get; } = gatewayOptions.Value.GatewayListRefreshPeriod;

    public bool IsUpdatable => true;

    public async Task InitializeGatewayListProvider() =>
        _table = await MembershipTableConnection.OpenAsync(_options, _clusterId).ConfigureAwait(false);

    public async Task<IList<Uri>> GetGateways()
    {
        var table = _table ?? throw new InvalidOperationException("the Azure Table gateway list was used before InitializeGatewayListProvider");
        // Property names are literal text here: CreateQueryFilter quotes every interpolated value.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {_clusterId} and Status eq {nameof(SiloStatus.Active)} and ProxyPort gt {0}");
        var gateways = new List<Uri>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter).ConfigureAwait(false))
        {
            var silo = MembershipRows.ToEntry(row);
            gateways.Add(SiloAddress.New(silo.SiloAddress.Endpoint.Address, silo.ProxyPort, silo.SiloAddress.Generation).ToGatewayUri());
        }
        Log.FoundGateways(logger, gateways.Count, _clusterId, _options.TableName);
        return gateways;
    }
}
