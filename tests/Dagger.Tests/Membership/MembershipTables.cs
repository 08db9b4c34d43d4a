using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Clustering.AzureStorage;
using Orleans.Hosting;
using Orleans.Messaging;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Dagger.Orleans.Tests.Membership;

/// <summary>Membership tables and entries for tests: each table on its own cluster id, so tests sharing one Azurite never meet.</summary>
internal static class MembershipTables
{
    private static int _generation = 1000;

    public static string NewClusterId() => "test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Orleans' own Azure Table membership table (what silos use: its type is internal, so a host that is never started
    /// builds it the way a silo does), initialized on <paramref name="clusterId"/>.
    /// </summary>
    public static async Task<IMembershipTable> OpenAsync(string connectionString, string clusterId, bool initVersion = true)
    {
        var table = Create(connectionString, clusterId);
        await table.InitializeMembershipTableAsync(initVersion, CancellationToken.None);
        return table;
    }

    public static IMembershipTable Create(string connectionString, string clusterId)
    {
        var host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        host.UseOrleans(silo => silo
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "dagger"))
            .UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connectionString)));
        return host.Build().Services.GetRequiredService<IMembershipTable>();
    }

    /// <summary>Orleans' Azure Table gateway list, as a client with <c>azureTables</c> in its cluster file reads it.</summary>
    public static IGatewayListProvider GatewayList(string connectionString, string clusterId)
    {
        var host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        host.UseOrleansClient(client => client
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "dagger"))
            .UseAzureStorageClustering((AzureStorageGatewayOptions o) => o.TableServiceClient = new TableServiceClient(connectionString)));
        return host.Build().Services.GetRequiredService<IGatewayListProvider>();
    }

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
