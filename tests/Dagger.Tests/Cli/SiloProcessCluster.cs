using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>
/// Two real silo processes (<c>Dagger.Orleans.Silo.dll</c>) on free loopback ports with a cluster id of their own,
/// and the cluster file a <c>dagger --cluster</c> client joins them with.
/// </summary>
public class SiloProcessCluster : IAsyncLifetime
{
    private readonly List<CliProcess> _silos = [];

    public string ClusterFile { get; private set; } = "";

    /// <summary>Settings every silo process gets besides its ports (e.g. a broker for nats edges).</summary>
    protected virtual IEnumerable<string> SiloSettings => [];

    /// <summary>Settings for silo <paramref name="index"/> alone (0: the primary), after <see cref="SiloSettings"/>.</summary>
    protected virtual IEnumerable<string> SiloSettingsOf(int index) => [];

    /// <summary>The <c>tls</c> object of <see cref="ClusterFile"/> (null: none, plain TCP).</summary>
    protected virtual object? ClusterFileTls => null;

    public string ClusterId { get; private set; } = "";

    /// <summary>The silos' gateways, as a cluster file lists them.</summary>
    public IReadOnlyList<string> Gateways { get; private set; } = [];

    /// <summary>The first silo's port, for a further silo that wants to join (<c>Dagger:Silo:PrimarySiloPort</c>).</summary>
    public int PrimarySiloPort { get; private set; }

    /// <summary>Starts what the silos need before they start (a broker).</summary>
    protected virtual Task BeforeSilosAsync() => Task.CompletedTask;

    protected virtual Task AfterSilosAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await BeforeSilosAsync();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var siloDir = CliRepoRoot.File($"Silo/bin/{configuration}/net10.0");
        var dll = Path.Combine(siloDir, "Dagger.Orleans.Silo.dll");
        Assert.True(File.Exists(dll), $"the silo was not built: {dll} (build the solution)");

        var clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        var ports = Enumerable.Range(0, 4).Select(_ => FreeTcpPort()).ToArray();
        string[] Args(int index, int silo, int gateway, int? primary) =>
        [
            $"--Dagger:Silo:SiloPort={silo}", $"--Dagger:Silo:GatewayPort={gateway}", $"--Dagger:Silo:ClusterId={clusterId}",
            .. primary is { } p ? new[] { $"--Dagger:Silo:PrimarySiloPort={p}" } : [],
            "--Logging:LogLevel:Default=Warning",
            .. SiloSettings,
            .. SiloSettingsOf(index),
        ];
        _silos.Add(CliProcess.Start(dll, siloDir, Args(0, ports[0], ports[1], null)));
        await _silos[0].WaitForStderrLineAsync(l => l.StartsWith("dagger silo ready", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        _silos.Add(CliProcess.Start(dll, siloDir, Args(1, ports[2], ports[3], ports[0])));
        await _silos[1].WaitForStderrLineAsync(l => l.StartsWith("dagger silo ready", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        ClusterId = clusterId;
        PrimarySiloPort = ports[0];
        Gateways = [$"127.0.0.1:{ports[1]}", $"127.0.0.1:{ports[3]}"];
        ClusterFile = Path.Combine(Path.GetTempPath(), $"dagger-{clusterId}.json");
        await File.WriteAllTextAsync(ClusterFile, ClusterFileTls is { } tls
            ? JsonSerializer.Serialize(new { clusterId, serviceId = "dagger", gateways = Gateways, tls })
            : JsonSerializer.Serialize(new { clusterId, serviceId = "dagger", gateways = Gateways }));
    }

    /// <summary>The process id of silo <paramref name="index"/> (0: the primary).</summary>
    public int SiloProcessId(int index) => _silos[index].Id;

    /// <summary>SIGKILLs silo <paramref name="index"/> (a crash: nothing is handed over) and waits for it to be gone.</summary>
    public async Task KillSiloAsync(int index)
    {
        using (var process = System.Diagnostics.Process.GetProcessById(_silos[index].Id)) process.Kill(entireProcessTree: true);
        await _silos[index].WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await StopSilosAsync();
        await AfterSilosAsync();
    }

    private async Task StopSilosAsync()
    {
        foreach (var silo in _silos)
        {
            // A silo a test killed is gone already.
            if (!silo.HasExited) await silo.InterruptAsync();
        }
        foreach (var silo in _silos)
        {
            // A silo stops within seconds of SIGINT; WaitForExitAsync kills one that does not.
            await silo.WaitForExitAsync(TimeSpan.FromSeconds(30));
            silo.Dispose();
        }
        File.Delete(ClusterFile);
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
