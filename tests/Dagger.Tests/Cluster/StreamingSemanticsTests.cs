using System.Text.Json;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Cluster;

[Collection(TwoSiloClusterCollection.Name)]
public sealed class StreamingSemanticsTests(TwoSiloCluster cluster)
{
    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public async Task Max_evals_stops_a_node_after_that_many_elements(long maxEvals)
    {
        var status = await cluster.RunAsync(new DagBuilder().Defaults(batch: 64)
            .Node("s", "range", new { count = 1000 }).Node("lim", "offset", new { value = 1 }, maxEvals: maxEvals).Node("out", "collect")
            .Edge("s", "lim").Edge("lim", "out"));
        Assert.Equal(DagState.Completed, status.State);
        Assert.Equal(Enumerable.Range(1, (int)maxEvals).Select(i => (double)i).ToArray(), JsonSerializer.Deserialize<double[]>(status.Results["out"])!);
        Assert.Equal(maxEvals, status.Nodes.Single(n => n.NodeId == "lim").Emitted);
    }

    [Fact]
    public async Task Max_evals_of_zero_is_refused_at_submission()
    {
        var spec = new DagBuilder().Node("s", "range", new { count = 3 }, maxEvals: 0).Node("out", "collect").Edge("s", "out").Build();
        var refused = await Assert.ThrowsAsync<DagSpecException>(() => cluster.Dagger.SubmitAsync(spec));
        Assert.Contains(refused.Problems, p => p.Contains("node 's'") && p.Contains("max_evals"));
    }

    [Fact]
    public async Task An_endless_source_upstream_of_a_finished_node_is_torn_down()
    {
        var status = await cluster.RunAsync(new DagBuilder()
            .Node("src", "range").Node("lim", "scale", new { factor = -1 }, maxEvals: 10).Node("out", "collect")
            .Edge("src", "lim").Edge("lim", "out"));
        Assert.Equal(DagState.Completed, status.State);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => -(double)i).ToArray(), JsonSerializer.Deserialize<double[]>(status.Results["out"])!);
        Assert.Equal(NodeState.Finished, status.Nodes.Single(n => n.NodeId == "src").State);
    }

    [Fact]
    public async Task An_endless_task_runs_until_cancelled_and_ends_cancelled_with_what_it_received()
    {
        var run = await cluster.Dagger.SubmitAsync(new DagBuilder().Node("src", "range").Node("out", "count").Edge("src", "out").Build());
        await run.WaitUntilAsync(s => s.Nodes.Single(n => n.NodeId == "out").Received > 10_000);
        await run.CancelAsync(CancelMode.Graceful);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);
        Assert.Equal(DagState.Cancelled, status.State);
        var counted = long.Parse(status.Results["out"]);
        // Graceful: everything the source emitted drained into the sink.
        Assert.Equal(status.Nodes.Single(n => n.NodeId == "src").Emitted, counted);
        Assert.True(counted > 10_000);
    }

    [Fact]
    public async Task A_forceful_cancel_ends_an_endless_task_at_once()
    {
        var run = await cluster.Dagger.SubmitAsync(new DagBuilder().Node("src", "range").Node("slow", "sleep", new { ms = 50 }).Node("out", "count")
            .Edge("src", "slow").Edge("slow", "out").Build());
        await run.WaitUntilAsync(s => s.Nodes.Single(n => n.NodeId == "slow").Received > 0);
        await run.CancelAsync(CancelMode.Force);
        var status = await run.GetStatusAsync();
        Assert.Equal(DagState.Cancelled, status.State);
        Assert.DoesNotContain(status.Nodes, n => n.State == NodeState.Running);
        // The sink keeps what reached it before the cut.
        Assert.Equal(status.Nodes.Single(n => n.NodeId == "out").Received, long.Parse(status.Results["out"]));
    }

    [Fact]
    public async Task A_slow_consumer_holds_its_producer_back_to_a_bounded_window()
    {
        const int batch = 16;
        var run = await cluster.Dagger.SubmitAsync(new DagBuilder().Defaults(batch: batch)
            .Node("src", "range").Node("slow", "sleep", new { ms = 1 }).Node("out", "count")
            .Edge("src", "slow").Edge("slow", "out").Build());
        try
        {
            var status = await run.WaitUntilAsync(s => s.Nodes.Single(n => n.NodeId == "slow").Received > 200);
            var emitted = status.Nodes.Single(n => n.NodeId == "src").Emitted;
            var received = status.Nodes.Single(n => n.NodeId == "slow").Received;
            // In flight per edge: a window of calls, an inbox of the same size, the batch in the operator and one in the source's buffer.
            var window = new Dagger.Orleans.Runtime.DaggerOptions().WindowFor(batch);
            Assert.InRange(emitted - received, 0, (2 * window + 2) * batch);
        }
        finally
        {
            await run.CancelAsync(CancelMode.Force);
        }
    }

    [Fact]
    public async Task An_operator_that_throws_fails_the_run_names_the_node_and_stops_the_others()
    {
        var status = await cluster.RunAsync(new DagBuilder().Defaults(batch: 10)
            .Node("src", "range").Node("bad", "explode", new { at = 500 }).Node("out", "count")
            .Edge("src", "bad").Edge("bad", "out"));
        Assert.Equal(DagState.Failed, status.State);
        Assert.Contains("node 'bad'", status.Error);
        Assert.Contains("boom at 500", status.Error);
        Assert.True(status.Nodes.All(n => n.State != NodeState.Running), $"still running after the failure: {string.Join(", ", status.Nodes)}; error: {status.Error}");
    }

    [Fact]
    public async Task Ten_one_second_tasks_run_in_parallel_on_both_silos()
    {
        var builder = new DagBuilder("sleep10").Node("start", "range", new { count = 1 }).Node("done", "merge").Node("out", "count").Edge("done", "out");
        for (var i = 0; i < 10; i++) builder.Node($"task{i}", "sleep", new { ms = 1000 }).Edge("start", $"task{i}").Edge($"task{i}", "done", i);
        var status = await cluster.RunAsync(builder);
        Assert.Equal(DagState.Completed, status.State);
        Assert.Equal("10", status.Results["out"]);
        Assert.Equal(2, status.Nodes.Where(n => n.NodeId.StartsWith("task")).Select(n => n.Silo).Distinct().Count());
        // Ten in sequence take 10 s, and five on each silo in sequence 5 s: under 4.5 s they overlapped on each silo,
        // with room for a loaded 2-core machine.
        Assert.True(status.Seconds < 4.5, $"ten 1 s tasks took {status.Seconds:F2} s: they did not run in parallel");
    }
}
