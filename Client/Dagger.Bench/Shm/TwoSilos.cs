using System.Net;
using Dagger.Orleans.Bench.Measuring;
using Dagger.Orleans.Bench.Servers;
using Dagger.Orleans.Client;
using Dagger.Orleans.Hosting;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Runtime;
using Dagger.Orleans.Spec;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Bench.Shm;

/// <summary>
/// Two silos of one cluster in this process (two hosts on loopback ports), both carrying <c>shm</c> edges: placement
/// cuts a chain into one block per silo, so one edge crosses between them — over windowed grain calls with
/// <c>memory</c> edges, over a ring with <c>shm</c>.
/// </summary>
internal sealed class TwoSilos : IAsyncDisposable
{
    private readonly IHost[] _hosts;

    private TwoSilos(IHost[] hosts, DaggerClient client)
    {
        _hosts = hosts;
        Client = client;
    }

    public DaggerClient Client { get; }

    public static async Task<TwoSilos> StartAsync(CancellationToken cancellationToken)
    {
        var clusterId = "bench-shm-" + Guid.NewGuid().ToString("N")[..8];
        var primaryPort = BrokerProcess.FreePort();
        var hosts = new List<IHost>();
        try
        {
            hosts.Add(await StartHostAsync(clusterId, primaryPort, null, cancellationToken));
            hosts.Add(await StartHostAsync(clusterId, BrokerProcess.FreePort(), new IPEndPoint(IPAddress.Loopback, primaryPort), cancellationToken));
            var grains = hosts[0].Services.GetRequiredService<IGrainFactory>();
            // Placement spreads a DAG over the silos it sees: wait until both are active.
            var management = grains.GetGrain<IManagementGrain>(0);
            for (var tries = 0; (await management.GetHosts(onlyActive: true)).Count < 2; tries++)
            {
                if (tries > 200) throw new BenchmarkFailedException("the second silo did not join within 20 s");
                await Task.Delay(100, cancellationToken);
            }
            var catalog = hosts[0].Services.GetRequiredService<IOperatorCatalog>();
            return new TwoSilos([.. hosts], DaggerClient.ForGrainFactory(grains, catalog, [Transports.Memory, Transports.SharedMemory]));
        }
        catch
        {
            foreach (var host in hosts) await Stop(host);
            throw;
        }
    }

    private static async Task<IHost> StartHostAsync(string clusterId, int siloPort, IPEndPoint? primary, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: siloPort, gatewayPort: BrokerProcess.FreePort(), primarySiloEndpoint: primary, serviceId: "dagger-bench", clusterId: clusterId);
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddDagger(o =>
            {
                o.Shm = new ShmOptions();
                // The chain stays where placement put it.
                o.BalancePeriod = TimeSpan.Zero;
            });
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static async Task Stop(IHost host)
    {
        await host.StopAsync(TimeSpan.FromSeconds(10));
        host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _hosts.Length - 1; i >= 0; i--) await Stop(_hosts[i]);
    }
}
