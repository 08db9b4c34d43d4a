using System.Net;
using Azure.Data.Tables;
using Dagger.Orleans.Clustering.AzureStorage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Dagger.Orleans.Tests.Membership;

/// <summary>Membership tables and entries for tests: each table on its own cluster id, so tests sharing one Azurite never meet.</summary>
internal static class MembershipTables
{
    private static int _generation = 1000;

    public static string NewClusterId() => "test-" + Guid.NewGuid().ToString("N")[..12];

    public static AzureTableClusteringOptions Options(string connectionString, string? tableName = null) => new()
    {
        TableServiceClient = new TableServiceClient(connectionString),
        TableName = tableName ?? AzureTableClusteringOptions.DefaultTableName,
    };

    public static async Task<AzureTableMembershipTable> OpenAsync(string connectionString, string clusterId, bool initVersion = true)
    {
        var table = Create(Options(connectionString), clusterId);
        await table.InitializeMembershipTable(initVersion);
        return table;
    }

    public static AzureTableMembershipTable Create(AzureTableClusteringOptions options, string clusterId) =>
        new(Microsoft.Extensions.Options.Options.Create(options),
            Microsoft.Extensions.Options.Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "dagger" }),
            NullLogger<AzureTableMembershipTable>.Instance);

    public static AzureTableGatewayListProvider GatewayList(string connectionString, string clusterId) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(connectionString)),
            Microsoft.Extensions.Options.Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "dagger" }),
            Microsoft.Extensions.Options.Options.Create(new GatewayOptions()),
            NullLogger<AzureTableGatewayListProvider>.Instance);

    /// <summary>A silo entry as Orleans writes one; times at whole seconds, as they round-trip through any store.</summary>
    public static MembershipEntry Entry(SiloStatus status = SiloStatus.Joining, int port = 11111, int proxyPort = 30000)
    {
        var now = DateTime.UtcNow;
        now = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, DateTimeKind.Utc);
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), Interlocked.Increment(ref _generation)),
            HostName = "test-host",
            SiloName = "silo-" + _generation,
            Status = status,
            ProxyPort = proxyPort,
            StartTime = now,
            IAmAliveTime = now,
        };
    }
}
