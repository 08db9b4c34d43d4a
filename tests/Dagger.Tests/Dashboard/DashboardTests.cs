using System.Text.Json;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Cli;
using Dagger.Orleans.Tests.Servers;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Dashboard;

/// <summary>Two silo processes with the Orleans Dashboard on (<c>Dagger:Dashboard:Port</c>), each on its own port.</summary>
public sealed class DashboardSilos : SiloProcessCluster
{
    public int[] DashboardPorts { get; } = [ServerProcess.FreeLoopbackPort(), ServerProcess.FreeLoopbackPort()];

    protected override IEnumerable<string> SiloSettingsOf(int index) =>
        [$"--Dagger:Dashboard:Port={DashboardPorts[index]}", "--Dagger:Dashboard:Host=127.0.0.1"];
}

/// <summary>The Orleans Dashboard as a browser shows it.</summary>
public sealed class DashboardTests(DashboardSilos silos) : IClassFixture<DashboardSilos>
{
    [Fact]
    public async Task The_dashboard_in_headless_chromium_lists_the_dag_and_node_grains_of_a_running_dag()
    {
        await using var dagger = await DaggerClient.ConnectAsync(ClusterFile.Load(silos.ClusterFile));
        // A streaming run keeps its node grains active while the page is read.
        var run = await dagger.SubmitAsync(new DagBuilder("dashboard").Defaults(batch: 64)
            .Node("src", "range").Node("slow", "sleep", new { ms = 1 }).Node("out", "count").Edge("src", "slow").Edge("slow", "out").Build());
        try
        {
            var dashboard = $"http://127.0.0.1:{silos.DashboardPorts[0]}/";
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            // The API the page reads knows our grain types once they have run (bounded wait: the dashboard samples each second).
            string[] types = [];
            for (var attempt = 0; attempt < 100 && !types.Contains("Dagger.Orleans.Runtime.NodeGrain"); attempt++)
            {
                if (attempt > 0) await Task.Delay(100);
                types = JsonSerializer.Deserialize<string[]>(await http.GetStringAsync(dashboard + "GrainTypes")) ?? [];
            }
            Assert.Contains("Dagger.Orleans.Runtime.DagGrain", types);
            Assert.Contains("Dagger.Orleans.Runtime.NodeGrain", types);

            var dom = await HeadlessChromium.DumpDomAsync(dashboard + "#/grains", TimeSpan.FromSeconds(15));

            Assert.Contains("Orleans Dashboard", dom, StringComparison.Ordinal);
            Assert.Contains(">DagGrain<", dom, StringComparison.Ordinal);
            Assert.Contains(">NodeGrain<", dom, StringComparison.Ordinal);
        }
        finally
        {
            await run.CancelAsync(CancelMode.Force);
        }
        var status = await run.GetStatusAsync();
        Assert.NotEqual(DagState.Failed, status.State);
    }
}
