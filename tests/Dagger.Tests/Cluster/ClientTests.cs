using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Cluster;

[Collection(TwoSiloClusterCollection.Name)]
public sealed class ClientTests(TwoSiloCluster cluster)
{
    [Fact]
    public async Task Progress_events_report_a_running_dag_and_end_with_its_final_status()
    {
        var builder = new DagBuilder().Node("src", "range", new { count = 6 }).Node("slow", "sleep", new { ms = 100 }).Node("out", "count")
            .Edge("src", "slow").Edge("slow", "out");
        var run = await cluster.Dagger.SubmitAsync(builder.Build());
        var seen = new List<DagStatus>();
        run.Progress += seen.Add;

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var final = await run.WaitAsync(TimeSpan.FromMilliseconds(50), cts.Token);

        Assert.Equal(DagState.Completed, final.State);
        Assert.Contains(seen, s => s.State == DagState.Running);
        Assert.Same(final, seen[^1]);
        var received = seen.Select(s => s.Nodes.Single(n => n.NodeId == "slow").Received).ToList();
        Assert.Equal(received.Order(), received); // counters only grow
    }

    [Fact]
    public async Task Submitting_the_same_spec_under_the_same_id_twice_is_one_run_and_another_spec_is_refused()
    {
        var id = Client.DaggerClient.NewDagId();
        var spec = new DagBuilder().Node("src", "range", new { count = 3 }).Node("out", "collect").Edge("src", "out").Build();

        var first = await cluster.Dagger.SubmitAsync(spec, id);
        var again = await cluster.Dagger.SubmitAsync(spec, id);
        var other = new DagBuilder().Node("src", "range", new { count = 4 }).Node("out", "collect").Edge("src", "out").Build();
        var refused = await Assert.ThrowsAsync<DagSpecException>(() => cluster.Dagger.SubmitAsync(other, id));

        Assert.Equal(first.Id, again.Id);
        Assert.Contains($"DAG id '{id}' is already in use", Assert.Single(refused.Problems));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal("[0,1,2]", (await first.WaitAsync(cancellation: cts.Token)).Results["out"]);
    }
}
