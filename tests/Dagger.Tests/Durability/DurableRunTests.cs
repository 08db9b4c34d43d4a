using System.Globalization;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Durability;

/// <summary>
/// Runs outlive their silos (issue C item 3, issue B item 4): with Azure table storage (Azurite) as the run-state
/// storage, a completed run answers after a full cluster restart; a streaming run on NATS edges resumes with every
/// element exactly once after a silo is killed, and after every silo is; a run with memory edges cannot, and says so.
/// </summary>
[Collection(nameof(DurableClusterCollection))]
public sealed class DurableRunTests(DurableCluster cluster)
{
    internal const long Count = 200_000;

    internal static NodeStatus Node(DagStatus status, string id) => status.Nodes.Single(n => n.NodeId == id);

    /// <summary>range → scale ×3 → {sum, count}, every edge on NATS; the sum stays an integer far below 2^53, so it is exact.</summary>
    internal static DagSpec Chain(long count, string transport = Transports.Nats) => DurableCluster.On(transport, new DagBuilder().Defaults(batch: 100)
        .Node("src", "range", new { count }).Node("x3", "scale", new { factor = 3 }).Node("sum", "sum").Node("count", "count")
        .Edge("src", "x3").Edge("x3", "sum").Edge("x3", "count").Build());

    internal static void AssertExact(DagStatus status, long count)
    {
        Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}; " + string.Join("; ", status.Nodes));
        Assert.Equal(count, long.Parse(status.Results["count"], CultureInfo.InvariantCulture));
        Assert.Equal(3.0 * (count - 1) * count / 2, double.Parse(status.Results["sum"], CultureInfo.InvariantCulture));
    }

    internal static async Task<DagStatus> WaitForReceivedAsync(DagRun run, string nodeId, long atLeast)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = await run.GetStatusAsync();
            Assert.False(status.State.IsTerminal(), $"the run ended ({status.State}: {status.Error}) before {nodeId} received {atLeast}");
            if (Node(status, nodeId).Received >= atLeast) return status;
            Assert.True(DateTime.UtcNow < deadline, $"{nodeId} did not receive {atLeast} within 60 s: " + string.Join("; ", status.Nodes));
            await Task.Delay(20);
        }
    }

    internal static async Task<DagStatus> WaitForEndAsync(DagRun run, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var status = await run.GetStatusAsync();
            if (status.State.IsTerminal()) return status;
            Assert.True(DateTime.UtcNow < deadline, $"not ended within {within.TotalSeconds:0} s: " + string.Join("; ", status.Nodes));
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_completed_run_still_answers_with_its_results_after_a_full_cluster_restart()
    {
        var run = await cluster.Dagger.SubmitAsync(new DagBuilder().Node("src", "range", new { count = 1000 }).Node("sum", "sum").Edge("src", "sum").Build());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var before = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);
        Assert.Equal(DagState.Completed, before.State);

        await cluster.RestartAsync();

        var after = await cluster.Dagger.Attach(run.Id).GetStatusAsync();
        Assert.Equal(DagState.Completed, after.State);
        Assert.Equal(before.Results["sum"], after.Results["sum"]);
        Assert.Equal(499_500, long.Parse(after.Results["sum"], CultureInfo.InvariantCulture));
        Assert.Equal(before.StartedAt, after.StartedAt);
    }

    [Theory]
    [InlineData(Transports.Nats)]
    [InlineData(Transports.Mqtt)]
    public async Task Nodes_of_a_killed_silo_resume_on_the_other_from_their_checkpoints_with_every_element_exactly_once(string transport)
    {
        var run = await cluster.Dagger.SubmitAsync(Chain(Count, transport));
        var status = await WaitForReceivedAsync(run, "sum", 20_000);

        // Kill a silo that runs nodes — preferably not the DAG grain's (that case has its own test; placement may put
        // every node there): its nodes must come back from their checkpoints.
        var victim = cluster.Cluster.Silos
            .Where(s => status.Nodes.Any(n => n.Silo == s.SiloAddress.ToString()))
            .OrderBy(s => s.SiloAddress.ToString() == status.Silo)
            .FirstOrDefault();
        Assert.True(victim is not null, "no silo of the cluster runs a node: " + string.Join("; ", status.Nodes));
        var lost = status.Nodes.Where(n => n.Silo == victim.SiloAddress.ToString()).Select(n => n.NodeId).ToList();
        await cluster.Cluster.KillSiloAsync(victim);

        var end = await WaitForEndAsync(run, TimeSpan.FromSeconds(120));
        AssertExact(end, Count);
        var survivor = cluster.Cluster.Silos.Single(s => !s.SiloAddress.Equals(victim.SiloAddress)).SiloAddress.ToString();
        Assert.All(lost, id => Assert.Equal(survivor, Node(end, id).Silo));
        // The silo came back for the next tests.
        await cluster.Cluster.StartAdditionalSiloAsync();
    }

    [Fact]
    public async Task A_run_goes_on_when_the_silo_of_its_DAG_grain_is_killed_with_every_element_exactly_once()
    {
        var run = await cluster.Dagger.SubmitAsync(Chain(Count));
        var status = await WaitForReceivedAsync(run, "sum", 20_000);

        // The run's record is all the new DAG grain activation knows: it must still expect work for every node.
        var victim = cluster.Cluster.Silos.Single(s => s.SiloAddress.ToString() == status.Silo);
        await cluster.Cluster.KillSiloAsync(victim);

        var end = await WaitForEndAsync(run, TimeSpan.FromSeconds(120));
        AssertExact(end, Count);
        Assert.NotEqual(victim.SiloAddress.ToString(), end.Silo);
        await cluster.Cluster.StartAdditionalSiloAsync();
    }

    [Fact]
    public async Task A_run_with_memory_edges_interrupted_by_a_restart_fails_saying_why()
    {
        var spec = new DagBuilder().Defaults(batch: 100)
            .Node("src", "range", new { count = 50_000_000L }).Node("slow", "sleep", new { ms = 1 }).Node("sum", "sum")
            .Edge("src", "slow").Edge("slow", "sum").Build();
        var run = await cluster.Dagger.SubmitAsync(spec);
        await WaitForReceivedAsync(run, "sum", 100);

        await cluster.RestartAsync();

        var end = await WaitForEndAsync(cluster.Dagger.Attach(run.Id), TimeSpan.FromSeconds(30));
        Assert.Equal(DagState.Failed, end.State);
        Assert.Contains("node '", end.Error);
    }
}

[CollectionDefinition(nameof(DurableClusterCollection))]
public sealed class DurableClusterCollection : ICollectionFixture<DurableCluster>;
