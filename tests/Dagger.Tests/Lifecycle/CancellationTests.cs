using System.Text.Json;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Cluster;
using Dagger.Orleans.Wire;
using Orleans.Runtime;
using Xunit;

namespace Dagger.Orleans.Tests.Lifecycle;

/// <summary>Cancelling a run or one of its nodes, and what is left afterwards: nothing of the run on any silo.</summary>
[Collection(TwoSiloClusterCollection.Name)]
public sealed class CancellationTests(TwoSiloCluster cluster)
{
    private static NodeStatus Node(DagStatus status, string id) => status.Nodes.Single(n => n.NodeId == id);

    private static async Task<DagStatus> EndAsync(DagRun run)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);
    }

    /// <summary>The node activations of a run still alive on any silo (the management grain asks every silo).</summary>
    private async Task<List<string>> NodeActivationsAsync(string dagId)
    {
        var management = cluster.Cluster.Client.GetGrain<IManagementGrain>(0);
        var stats = await management.GetDetailedGrainStatistics();
        // A node grain's id reads "<type>/<dag id>/<node id>".
        return stats.Select(s => s.GrainId.ToString()).Where(id => id.Contains($"/{dagId}/", StringComparison.Ordinal)).ToList();
    }

    private async Task AssertNothingLeftAsync(string dagId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        List<string> left;
        while ((left = await NodeActivationsAsync(dagId)).Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(left.Count == 0, $"still active after the run ended: {string.Join(", ", left)}");
    }

    private static DagSpec Endless() => new DagBuilder().Defaults(batch: 64)
        .Node("src", "range").Node("mid", "scale", new { factor = 3 }).Node("out", "count").Node("all", "sum")
        .Edge("src", "mid").Edge("mid", "out").Edge("src", "all").Build();

    [Theory]
    [InlineData(CancelMode.Graceful)]
    [InlineData(CancelMode.Force)]
    public async Task After_a_cancel_no_node_activation_of_the_run_is_left_on_any_silo(CancelMode mode)
    {
        var run = await cluster.Dagger.SubmitAsync(Endless());
        await using var cleanup = run.CancelOnExit();
        await run.WaitUntilAsync(s => Node(s, "out").Received > 10_000);
        Assert.NotEmpty(await NodeActivationsAsync(run.Id));

        await run.CancelAsync(mode);
        var status = await EndAsync(run);

        Assert.True(status.State == DagState.Cancelled, $"{status.State}: {status.Error}");
        Assert.DoesNotContain(status.Nodes, n => n.State == NodeState.Running);
        await AssertNothingLeftAsync(run.Id);
    }

    [Fact]
    public async Task A_forceful_cancel_cuts_off_an_operator_that_ignores_its_token_and_leaves_nothing()
    {
        var run = await cluster.Dagger.SubmitAsync(new DagBuilder().Defaults(batch: 1000)
            .Node("src", "range").Node("deaf", "stubborn").Node("out", "count").Edge("src", "deaf").Edge("deaf", "out").Build());
        await using var cleanup = run.CancelOnExit();
        await run.WaitUntilAsync(s => Node(s, "deaf").Received > 0);

        await run.CancelAsync(CancelMode.Force);
        var status = await EndAsync(run);

        Assert.True(status.State == DagState.Cancelled, $"{status.State}: {status.Error}");
        // The batch of 1000 in hand takes 5 s at 5 ms an element: the cut came long before it was done.
        Assert.True(Node(status, "deaf").Emitted < 1000, $"the stubborn node emitted {Node(status, "deaf").Emitted}");
        await AssertNothingLeftAsync(run.Id);
    }

    [Fact]
    public async Task Cancelling_one_node_gracefully_ends_its_stream_downstream_finishes_and_its_producer_is_torn_down()
    {
        var run = await cluster.Dagger.SubmitAsync(new DagBuilder().Defaults(batch: 64)
            .Node("src", "range").Node("mid", "scale", new { factor = 3 }).Node("out", "count").Edge("src", "mid").Edge("mid", "out").Build());
        await using var cleanup = run.CancelOnExit();
        await run.WaitUntilAsync(s => Node(s, "out").Received > 10_000);

        await run.CancelNodeAsync("mid", CancelMode.Graceful);
        var status = await EndAsync(run);

        Assert.True(status.State == DagState.Cancelled, $"{status.State}: {status.Error}");
        Assert.Equal(NodeState.Cancelled, Node(status, "mid").State);
        Assert.Equal(NodeState.Finished, Node(status, "out").State);
        Assert.Equal(NodeState.Finished, Node(status, "src").State);
        // Everything mid emitted before it stopped reached the sink.
        Assert.Equal(Node(status, "mid").Emitted, long.Parse(status.Results["out"]));
        await AssertNothingLeftAsync(run.Id);
    }

    [Fact]
    public async Task Cancelling_one_node_forcefully_stops_it_and_its_dependents_while_the_other_branch_completes()
    {
        var run = await cluster.Dagger.SubmitAsync(new DagBuilder().Defaults(batch: 64)
            .Node("src", "range")
            .Node("a", "sleep", new { ms = 1 }).Node("a_out", "count")
            .Node("b", "scale", new { factor = 1 }, maxEvals: 200_000).Node("b_out", "sum")
            .Edge("src", "a").Edge("a", "a_out").Edge("src", "b").Edge("b", "b_out").Build());
        await using var cleanup = run.CancelOnExit();
        await run.WaitUntilAsync(s => Node(s, "a_out").Received > 0);

        await run.CancelNodeAsync("a", CancelMode.Force);
        var status = await EndAsync(run);

        Assert.True(status.State == DagState.Cancelled, $"{status.State}: {status.Error}");
        Assert.Equal(NodeState.Cancelled, Node(status, "a").State);
        Assert.Equal(NodeState.Cancelled, Node(status, "a_out").State);
        Assert.Equal(NodeState.Finished, Node(status, "b_out").State);
        // The untouched branch got exactly its 200000 elements: 0 + 1 + … + 199999.
        Assert.Equal(199_999.0 * 200_000 / 2, JsonSerializer.Deserialize<double>(status.Results["b_out"]));
        // The cancelled sink keeps what it received.
        Assert.Equal(Node(status, "a_out").Received, long.Parse(status.Results["a_out"]));
        await AssertNothingLeftAsync(run.Id);
    }

    [Fact]
    public async Task Cancelling_a_node_the_run_does_not_have_is_refused_by_name()
    {
        var run = await cluster.Dagger.SubmitAsync(Endless());
        await using var cleanup = run.CancelOnExit();
        try
        {
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => run.CancelNodeAsync("ghost", CancelMode.Force));
            Assert.Contains("'ghost'", refused.Message);
        }
        finally
        {
            await run.CancelAsync(CancelMode.Force);
        }
    }

    [Fact]
    public async Task A_cancel_sent_while_a_200_node_dag_is_still_being_submitted_leaves_nothing_running()
    {
        // A chain starts one node at a time, consumers first and its endless source last: a cancel that arrives
        // midway must not be lost on the nodes still to start.
        var builder = new DagBuilder("long-chain").Defaults(batch: 64).Node("n0", "range");
        for (var i = 1; i < 199; i++) builder.Node($"n{i}", "scale", new { factor = 1 }).Edge($"n{i - 1}", $"n{i}");
        builder.Node("n199", "count").Edge("n198", "n199");
        var dagId = DaggerClient.NewDagId();
        var run = cluster.Dagger.Attach(dagId);
        await using var cleanup = run.CancelOnExit();

        var submitting = cluster.Dagger.SubmitAsync(builder.Build(), dagId);
        // The run answers as soon as its record exists, before its nodes have started.
        using (var known = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (true)
            {
                known.Token.ThrowIfCancellationRequested();
                try
                {
                    await run.GetStatusAsync();
                    break;
                }
                catch (DagNotFoundException)
                {
                    await Task.Yield();
                }
            }
        }
        await run.CancelAsync(CancelMode.Graceful);
        await submitting;
        var status = await EndAsync(run);

        Assert.True(status.State == DagState.Cancelled, $"{status.State}: {status.Error}");
        Assert.DoesNotContain(status.Nodes, n => n.State is NodeState.Running or NodeState.Pending);
        await AssertNothingLeftAsync(run.Id);
    }

    [Fact]
    public async Task A_graceful_cancel_of_a_slow_dag_becomes_forceful_when_its_grace_period_is_over()
    {
        var run = await cluster.Dagger.SubmitAsync(new DagBuilder().Defaults(batch: 64)
            .Node("src", "range").Node("slow", "sleep", new { ms = 5 }).Node("out", "count").Edge("src", "slow").Edge("slow", "out").Build());
        await using var cleanup = run.CancelOnExit();
        await run.WaitUntilAsync(s => Node(s, "out").Received > 0);

        await run.CancelAsync(CancelMode.Graceful, TimeSpan.FromSeconds(1));
        var status = await EndAsync(run);

        Assert.True(status.State == DagState.Cancelled, $"{status.State}: {status.Error}");
        // Draining what the slow hop's inbox held would have taken minutes: the grace period cut it short.
        Assert.Equal("graceful, then forceful", status.Cancellation);
        await AssertNothingLeftAsync(run.Id);
    }

    [Fact]
    public async Task A_graceful_cancel_that_drains_in_time_says_it_was_graceful()
    {
        var run = await cluster.Dagger.SubmitAsync(Endless());
        await using var cleanup = run.CancelOnExit();
        await run.WaitUntilAsync(s => Node(s, "out").Received > 1_000);

        await run.CancelAsync(CancelMode.Graceful, TimeSpan.FromSeconds(20));
        var status = await EndAsync(run);

        Assert.True(status.State == DagState.Cancelled, $"{status.State}: {status.Error}");
        Assert.Equal("graceful", status.Cancellation);
        // Graceful: everything the source emitted reached both sinks.
        Assert.Equal(Node(status, "src").Emitted, long.Parse(status.Results["out"]));
    }
}
