using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Orleans.TestingHost;
using Xunit;

namespace Dagger.Orleans.Tests.Cluster;

/// <summary>
/// A silo that dies mid-run takes what its memory edges held: the run fails saying so, instead of waiting forever.
/// (A silo shut down gracefully moves its nodes away first: Lifecycle/SiloShutdownTests.) Each test gets a cluster
/// of its own, since it takes a silo down.
/// </summary>
public sealed class SiloLossTests
{
    private static async Task<(InProcessTestCluster Cluster, DagRun Run, InProcessSiloHandle Victim, string VictimNode)> StartEndlessRunAsync()
    {
        var (cluster, dagger) = await TwoSiloCluster.DeployAsync(o =>
        {
            o.SiloWatchPeriod = TimeSpan.FromMilliseconds(200);
            // An in-process kill still runs the silo's stop; a killed process would not move anything away.
            o.DrainOnShutdown = false;
        });
        var run = await dagger.SubmitAsync(new DagBuilder()
            .Node("src", "range").Node("a", "offset", new { value = 1 }).Node("b", "offset", new { value = 1 }).Node("out", "count")
            .Edge("src", "a").Edge("a", "b").Edge("b", "out").Build());
        var status = await run.GetStatusAsync();
        // Take down a silo that runs nodes but not the run's own DAG grain.
        var victim = cluster.Silos.First(s => s.SiloAddress.ToString() != status.Silo);
        var victimNode = status.Nodes.First(n => n.Silo == victim.SiloAddress.ToString() || n.State == NodeState.Running && n.Silo is null).NodeId;
        return (cluster, run, victim, victimNode);
    }

    private static async Task<DagStatus> EndAsync(DagRun run, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        return await run.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
    }

    [Fact]
    public async Task A_silo_killed_under_a_running_dag_fails_the_run_naming_a_lost_node()
    {
        var (cluster, run, victim, _) = await StartEndlessRunAsync();
        await using var _ = cluster;

        await cluster.KillSiloAsync(victim);
        var status = await EndAsync(run, TimeSpan.FromSeconds(120));

        Assert.Equal(DagState.Failed, status.State);
        // Whichever notices first names the node: the lost node itself (deactivated, or its silo declared dead),
        // or its producer, whose next push finds the silo gone.
        Assert.Matches("node '(src|a|b|out)' \\(operator '[a-z]+'\\) (failed: |was lost)", status.Error);
        Assert.DoesNotContain(status.Nodes, n => n.State == NodeState.Running);
    }
}
