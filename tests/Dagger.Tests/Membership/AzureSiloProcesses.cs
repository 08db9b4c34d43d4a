using Dagger.Orleans.Tests.Cli;
using Dagger.Orleans.Tests.Servers;
using Dagger.Orleans.Tests.TestSupport;
using Orleans;
using Orleans.Runtime;
using Xunit;

namespace Dagger.Orleans.Tests.Membership;

/// <summary>
/// A real Azurite and real silo processes (<c>Dagger.Orleans.Silo.dll</c>, <c>Dagger:Clustering:Provider=azure</c>) that
/// form one cluster through its membership table; two run from the start, tests add and take away more. Membership
/// timings are tightened so a killed silo is declared dead in seconds, not the production minute.
/// </summary>
public sealed class AzureSiloProcesses : IAsyncLifetime
{
    private static readonly TimeSpan SiloStartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<CliProcess> _silos = [];
    private IMembershipTable? _table;

    public AzuriteFixture Azurite { get; } = new();

    public string ClusterId { get; } = MembershipTables.NewClusterId();

    /// <summary>How a silo-or-test reader sees membership: the table itself.</summary>
    internal IMembershipTable Table => _table ?? throw new InvalidOperationException("the fixture has not started");

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        _table = await MembershipTables.OpenAsync(Azurite.ConnectionString, ClusterId);
        await StartSiloAsync();
        await StartSiloAsync();
    }

    /// <summary>Starts one more silo on free loopback ports and waits for its ready line; returns it and its silo port.</summary>
    public async Task<(CliProcess Silo, int SiloPort)> StartSiloAsync(params string[] extraSettings)
    {
        var siloPort = ServerProcess.FreeLoopbackPort();
        var gatewayPort = ServerProcess.FreeLoopbackPort();
        var silo = CliProcess.Start(SiloDll, Path.GetDirectoryName(SiloDll)!,
        [
            .. SiloArguments(Azurite.ConnectionString, ClusterId, siloPort, gatewayPort),
            .. extraSettings,
        ]);
        _silos.Add(silo);
        await silo.WaitForStderrLineAsync(l => l.StartsWith("dagger silo ready", StringComparison.Ordinal), SiloStartTimeout);
        return (silo, siloPort);
    }

    /// <summary>Each running silo's last stderr lines and whether it has exited, for a failure message.</summary>
    public string SiloOutputs(int lines = 15) => string.Join("\n", _silos.Select((s, i) =>
        $"--- silo {i} (pid {s.Id}, {(s.HasExited ? "exited" : "running")}):\n{s.StderrTail(lines)}"));

    /// <summary>SIGKILL, the way a crash looks to the rest of the cluster.</summary>
    public void Kill(CliProcess silo)
    {
        _silos.Remove(silo);
        silo.Dispose();
    }

    public static string SiloDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var dll = CliRepoRoot.File($"Silo/bin/{configuration}/net10.0/Dagger.Orleans.Silo.dll");
            Assert.True(File.Exists(dll), $"the silo was not built: {dll} (build the solution)");
            return dll;
        }
    }

    public static string[] SiloArguments(string connectionString, string clusterId, int siloPort, int gatewayPort) =>
    [
        "--Dagger:Clustering:Provider=azure",
        $"--Dagger:Clustering:AzureStorage={connectionString}",
        $"--Dagger:Silo:ClusterId={clusterId}",
        $"--Dagger:Silo:SiloPort={siloPort}",
        $"--Dagger:Silo:GatewayPort={gatewayPort}",
        // Probe every second, one missed probe too many and one vote declare a silo dead: seconds instead of a minute.
        "--Dagger:Clustering:Membership:ProbeTimeout=00:00:01",
        "--Dagger:Clustering:Membership:NumMissedProbesLimit=2",
        "--Dagger:Clustering:Membership:NumVotesForDeathDeclaration=1",
        "--Dagger:Clustering:Membership:TableRefreshTimeout=00:00:01",
        "--Dagger:Clustering:Membership:IAmAliveTablePublishTimeout=00:00:02",
        "--Logging:LogLevel:Default=Warning",
    ];

    /// <summary>The membership row of the silo listening on <paramref name="siloPort"/> (its latest incarnation), if any.</summary>
    public async Task<MembershipEntry?> RowAsync(int siloPort)
    {
        MembershipEntry? found = null;
        foreach (var (entry, _) in (await Table.ReadAllAsync(CancellationToken.None)).Members)
        {
            if (entry.SiloAddress.Endpoint.Port == siloPort && (found is null || entry.SiloAddress.Generation > found.SiloAddress.Generation)) found = entry;
        }
        return found;
    }

    /// <summary>
    /// Reads the table until the silo's row has <paramref name="status"/>; fails after <paramref name="timeout"/>.
    /// Membership changes raise no event a test can await from outside the cluster, so the table is polled.
    /// </summary>
    public async Task<TimeSpan> WaitForStatusAsync(int siloPort, SiloStatus status, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        MembershipEntry? row = null;
        while (clock.Elapsed < timeout)
        {
            row = await RowAsync(siloPort);
            if (row?.Status == status) return clock.Elapsed;
            await Task.Delay(100);
        }
        throw new TimeoutException($"the row of the silo on port {siloPort} is {row?.Status.ToString() ?? "missing"}, not {status}, after {timeout.TotalSeconds} s");
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos) await SignalQuietlyAsync(silo);
        foreach (var silo in _silos)
        {
            try
            {
                await silo.WaitForExitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                // Killed by WaitForExitAsync: teardown goes on.
            }
            silo.Dispose();
        }
        await Azurite.DisposeAsync();
    }

    private static async Task SignalQuietlyAsync(CliProcess silo)
    {
        try
        {
            await silo.InterruptAsync();
        }
        catch (InvalidOperationException)
        {
            // Already gone (a test killed or stopped it).
        }
    }
}
