using System.Net;
using System.Net.Sockets;
using Dagger.Orleans.Clustering.AzureStorage.Hosting;
using Dagger.Orleans.Hosting;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Runtime;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dagger.Orleans.Client;

/// <summary>
/// The entry point for running DAGs: either an embedded single-process silo (no servers needed) or a client of a
/// running cluster. Submit a <see cref="DagSpec"/>, get a <see cref="DagRun"/> to wait on, query or cancel.
/// </summary>
public sealed partial class DaggerClient : IAsyncDisposable
{
    private readonly IHost? _host;
    private readonly IGrainFactory _grains;

    private DaggerClient(IHost? host, IGrainFactory grains, IOperatorCatalog catalog, IReadOnlyCollection<string> transports, bool remote = false)
    {
        _host = host;
        _grains = grains;
        IsRemote = remote;
        Catalog = catalog;
        Transports = transports;
    }

    /// <summary>The operators known where this client validates specs.</summary>
    public IOperatorCatalog Catalog { get; }

    /// <summary>The edge transports the target cluster carries.</summary>
    public IReadOnlyCollection<string> Transports { get; }

    /// <summary>
    /// Starts an in-process silo with in-memory edges on free loopback ports, and a client of it. The silo declares
    /// what it finds (a GPU through CUDA or OpenCL, else cpu) and, being the whole cluster, stands in for a GPU when it
    /// has none: <c>gpu</c> nodes then run their kernels on ILGPU's CPU accelerator (<see cref="DaggerOptions.GpuStandIn"/>;
    /// <paramref name="configure"/> may turn that off).
    /// </summary>
    public static async Task<DaggerClient> StartEmbeddedAsync(
        Action<DaggerOptions>? configure = null, LogLevel logLevel = LogLevel.Error, CancellationToken cancellation = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Log to stderr: stdout carries the result document. DAGGER_LOG_LEVEL (e.g. Information) shows more.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(
            Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("DAGGER_LOG_LEVEL"), ignoreCase: true, out var level) ? level : logLevel);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FreeTcpPort(), gatewayPort: FreeTcpPort(), serviceId: "dagger", clusterId: "embedded-" + Guid.NewGuid().ToString("N")[..8]);
            silo.AddMemoryGrainStorageAsDefault();
            // One process on one machine: network operators may use loopback (a cluster silo allows nothing unless told).
            silo.Services.Configure<Operators.Net.NetOptions>(o => o.Allow.Add("loopback"));
            silo.AddDagger(o =>
            {
                o.GpuStandIn = true;
                configure?.Invoke(o);
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellation);
        }
        catch
        {
            // Stop what did start (ports, threads) before the caller hears why start-up failed.
            await host.StopAsync(TimeSpan.FromSeconds(5));
            host.Dispose();
            throw;
        }
        var catalog = host.Services.GetRequiredService<IOperatorCatalog>();
        var options = host.Services.GetRequiredService<IOptions<DaggerOptions>>().Value;
        return new DaggerClient(host, host.Services.GetRequiredService<IGrainFactory>(), catalog, options.Transports.ToArray());
    }

    /// <summary>
    /// Joins a running cluster through its gateways. Specs are then validated by the cluster itself (it knows its
    /// operators and transports); <see cref="Catalog"/> holds the operators this process knows, for offline use.
    /// </summary>
    public static async Task<DaggerClient> ConnectAsync(ClusterFile cluster, CancellationToken cancellation = default)
    {
        var membershipTable = cluster.CreateTableServiceClient();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            if (membershipTable is not null)
                client.UseAzureTableClustering(o => o.TableServiceClient = membershipTable);
            else
                client.UseStaticClustering(cluster.Gateways.Select(IPEndPoint.Parse).ToArray());
            client.Configure<global::Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
        });
        var host = builder.Build();
        // Orleans retries gateways for minutes; a user at a prompt should hear back sooner.
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        connect.CancelAfter(ConnectTimeout);
        try
        {
            await host.StartAsync(connect.Token);
        }
        catch (Exception e)
        {
            host.Dispose();
            throw new ClusterFileException($"cannot join the cluster at {cluster.Describe} (cluster '{cluster.ClusterId}'): {e.Message}");
        }
        return new DaggerClient(host, host.Services.GetRequiredService<IClusterClient>(), OperatorCatalog.FromLoadedAssemblies(), [], remote: true);
    }

    /// <summary>How long <see cref="ConnectAsync"/> tries to reach a gateway.</summary>
    public static TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A client over an existing grain factory (a test cluster's, or a silo's own).</summary>
    public static DaggerClient ForGrainFactory(IGrainFactory grains, IOperatorCatalog catalog, IReadOnlyCollection<string> transports) =>
        new(null, grains, catalog, transports);

    /// <summary>Every problem of the spec for this cluster, one line each; empty when valid.</summary>
    public IReadOnlyList<string> Validate(DagSpec spec) => DagValidator.Validate(spec, Catalog, Transports);

    /// <summary>True for a client of a remote cluster: the cluster validates what it is sent.</summary>
    public bool IsRemote { get; }

    /// <summary>Validates and starts a run. Throws <see cref="DagSpecException"/> listing every problem when the spec is refused.</summary>
    public async Task<DagRun> SubmitAsync(DagSpec spec, string? dagId = null)
    {
        var problems = IsRemote ? [] : Validate(spec);
        if (problems.Count > 0) throw new DagSpecException(problems);
        dagId ??= NewDagId();
        var grain = _grains.GetDagGrain(dagId);
        var result = await grain.SubmitAsync(spec);
        if (!result.Accepted) throw new DagSpecException(result.Problems);
        return new DagRun(dagId, grain);
    }

    /// <summary>A handle on a run submitted earlier (by any client of the cluster).</summary>
    public DagRun Attach(string dagId) => new(dagId, _grains.GetDagGrain(dagId));

    /// <summary>
    /// 16 random hex digits. From <see cref="Random.Shared"/> (seeded from the OS per process) rather than a GUID: as
    /// many random bits as the GUID prefix this used to take, without a system call per run (a GUID cost a few µs
    /// under load, a visible part of a small run).
    /// </summary>
    public static string NewDagId() => ((ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (_host is null) return;
        await _host.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _host.Dispose();
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal static class HostStopExtensions
{
    public static async Task StopAsync(this IHost host, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await host.StopAsync(cts.Token);
    }
}
