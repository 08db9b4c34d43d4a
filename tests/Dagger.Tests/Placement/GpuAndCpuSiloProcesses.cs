using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dagger.Orleans.Tests.Cli;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Placement;

/// <summary>
/// Two real silo processes configured through their settings — the first <c>Dagger:Silo:Accelerator=gpu</c>, the
/// second <c>cpu</c> — and the cluster file that joins them.
/// </summary>
public sealed class GpuAndCpuSiloProcesses : IAsyncLifetime
{
    private readonly List<CliProcess> _silos = [];

    public string ClusterFile { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var siloDir = CliRepoRoot.File($"Silo/bin/{new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name}/net10.0");
        var dll = Path.Combine(siloDir, "Dagger.Orleans.Silo.dll");
        var clusterId = "placement-" + Guid.NewGuid().ToString("N")[..8];
        var ports = Enumerable.Range(0, 4).Select(_ => FreeTcpPort()).ToArray();
        string[] Args(string accelerator, int silo, int gateway, int? primary) =>
        [
            $"--Dagger:Silo:Accelerator={accelerator}", $"--Dagger:Silo:SiloPort={silo}", $"--Dagger:Silo:GatewayPort={gateway}",
            $"--Dagger:Silo:ClusterId={clusterId}", .. primary is { } p ? new[] { $"--Dagger:Silo:PrimarySiloPort={p}" } : [],
            "--Logging:LogLevel:Default=Warning",
        ];
        _silos.Add(CliProcess.Start(dll, siloDir, Args("gpu", ports[0], ports[1], null)));
        await _silos[0].WaitForStderrLineAsync(l => l.StartsWith("dagger silo ready", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        _silos.Add(CliProcess.Start(dll, siloDir, Args("cpu", ports[2], ports[3], ports[0])));
        await _silos[1].WaitForStderrLineAsync(l => l.StartsWith("dagger silo ready", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        ClusterFile = Path.Combine(Path.GetTempPath(), $"dagger-{clusterId}.json");
        await File.WriteAllTextAsync(ClusterFile, JsonSerializer.Serialize(new
        {
            clusterId,
            serviceId = "dagger",
            gateways = new[] { $"127.0.0.1:{ports[1]}", $"127.0.0.1:{ports[3]}" },
        }));
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos) await silo.InterruptAsync();
        foreach (var silo in _silos)
        {
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
