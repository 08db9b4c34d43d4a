using System.Net;
using System.Net.Sockets;
using Dagger.Orleans.Connections.Tls.Hosting;
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
    /// The embedded silo's default <see cref="DaggerOptions.MaxResultBytes"/>: 256 MiB, enough for a <c>collect</c> of
    /// 10 million numbers (about 79 MB of JSON), while an endless source into <c>collect</c> still fails at a few hundred
    /// MB: its result store is this process's memory.
    /// </summary>
    public const long EmbeddedMaxResultBytes = 256L << 20;

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
                // Nodes of one process may share shm rings too (what a user tries before a cluster).
                o.Shm = new ShmOptions();
                // The user who runs it wrote the spec: their files are theirs to read, as with any local program.
                o.Files.Unrestricted = true;
                // Results past the inline limit are kept in this process's memory (the memory result store): a lower cap
                // than a cluster's, whose store may be blobs.
                o.MaxResultBytes = EmbeddedMaxResultBytes;
                configure?.Invoke(o);
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellation);
        }
        catch (Exception startError)
        {
            // Stop what did start (ports, threads) before the caller hears why start-up failed.
            try
            {
                await host.StopAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception stopError)
            {
                // A silo refused before it started (bad options) will not stop either: the start-up error comes first.
                host.Dispose();
                throw new AggregateException(startError.Message, startError, stopError);
            }
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
    /// Throws <see cref="ClusterUnreachableException"/>, one line naming the addresses and the cause, when no gateway
    /// lets the client in within <see cref="ConnectTimeout"/>. Orleans' own connection warnings go to stderr at
    /// <paramref name="logLevel"/> (the CLI passes <see cref="LogLevel.None"/> unless <c>--verbose</c>).
    /// </summary>
    public static async Task<DaggerClient> ConnectAsync(ClusterFile cluster, CancellationToken cancellation = default, LogLevel logLevel = LogLevel.Warning)
    {
        var membershipTable = cluster.CreateTableServiceClient();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (logLevel != LogLevel.None) builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(logLevel);
        var failures = builder.Services.AddConnectionFailureLog();
        builder.UseOrleansClient(client =>
        {
            if (membershipTable is not null)
            {
                client.UseAzureStorageClustering((global::Orleans.Clustering.AzureStorage.AzureStorageGatewayOptions o) => o.TableServiceClient = membershipTable);
                GatewayListErrors.Decorate(client.Services, membershipTable);
            }
            else
                client.UseStaticClustering(cluster.Gateways.Select(IPEndPoint.Parse).ToArray());
            client.Configure<global::Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            if (cluster.TlsCredentials is { } tls) client.UseDaggerTls(tls);
        });
        var host = builder.Build();
        // Orleans retries gateways for minutes; a user at a prompt should hear back sooner. A gateway that does not
        // answer, or answers by closing the connection, ends the wait after ConnectTimeout; one that answers but is slow
        // to let the client in (a loaded machine) gets up to SlowGatewayTimeout.
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        connect.CancelAfter(SlowGatewayTimeout);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var start = host.StartAsync(connect.Token);
        var giveUp = GiveUpWhenNothingAnswersAsync(start, failures, connect, gatewaysFromTable: membershipTable is not null);
        try
        {
            await start;
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            await giveUp;
            host.Dispose();
            // Orleans gives up with "a task was canceled"; the connection log knows what actually went wrong.
            var cause = failures.Summary ?? FirstLine(e.Message);
            var waited = connect.IsCancellationRequested ? $" within {clock.Elapsed.TotalSeconds:0.#} s" : "";
            var hint = failures.Summary is null ? "" : ClosedConnectionHint(cluster, cause);
            throw new ClusterUnreachableException($"cannot connect to cluster '{cluster.ClusterId}' at {cluster.Describe}{waited}: {cause}{hint}", e);
        }
        await giveUp;
        return new DaggerClient(host, host.Services.GetRequiredService<IClusterClient>(), OperatorCatalog.FromLoadedAssemblies(), [], remote: true);
    }

    /// <summary>
    /// After <see cref="ConnectTimeout"/>, cancels the start unless a connection to some gateway is open (and being let
    /// in slowly) — or, when the gateways come from the membership table, nothing has failed yet (the table may be slow
    /// to read on a loaded machine; a table that cannot be read fails by itself).
    /// </summary>
    private static async Task GiveUpWhenNothingAnswersAsync(Task start, Connections.Tls.ConnectionFailureLog failures, CancellationTokenSource connect, bool gatewaysFromTable)
    {
        await Task.WhenAny(start, Task.Delay(ConnectTimeout, CancellationToken.None));
        while (!start.IsCompleted && !connect.IsCancellationRequested)
        {
            if (!failures.AnyConnectionOpen && (!gatewaysFromTable || failures.Summary is not null))
            {
                connect.Cancel();
                return;
            }
            await Task.WhenAny(start, Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None));
        }
    }

    /// <summary>
    /// A gateway that refuses a client's cluster id or its plain TCP often just closes the connection (which side
    /// notices first is a race), so "connection terminated" alone can mean either: say so.
    /// </summary>
    private static string ClosedConnectionHint(ClusterFile cluster, string cause)
    {
        string[] explained = ["refused", "cluster id", "TLS", "No such host", "unreachable"];
        if (explained.Any(c => cause.Contains(c, StringComparison.OrdinalIgnoreCase))) return "";
        return cluster.Tls is null
            ? " (the gateway closed the connection: a wrong cluster id, or a cluster that requires TLS — this cluster file has no 'tls')"
            : " (the gateway closed the connection: a wrong cluster id?)";
    }

    /// <summary>
    /// How long <see cref="ConnectAsync"/> waits for a gateway that does not answer (or closes the connection): short
    /// enough that a command against a cluster that is down answers within 5 s.
    /// </summary>
    public static TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long <see cref="ConnectAsync"/> waits for a gateway that has answered but not yet let the client in (a loaded machine).</summary>
    public static TimeSpan SlowGatewayTimeout { get; set; } = TimeSpan.FromSeconds(15);

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

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
        return new DagRun(dagId, grain, _grains);
    }

    /// <summary>A handle on a run submitted earlier (by any client of the cluster).</summary>
    public DagRun Attach(string dagId) => new(dagId, _grains.GetDagGrain(dagId), _grains);

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
