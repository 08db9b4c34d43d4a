using Dagger.Orleans.Runtime;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Cluster;

/// <summary>An edge between silos: flow control and delivery when its producer goes quiet.</summary>
[Collection(TwoSiloClusterCollection.Name)]
public sealed class RemoteEdgeTests(TwoSiloCluster cluster)
{
    // Four nodes lie in two blocks of two: the edge pass -> slow crosses silos.
    private static DagBuilder Crossing(string source, object sourceArgs, int batch, double sleepMs) => new DagBuilder().Defaults(batch: batch)
        .Node("src", source, sourceArgs).Node("pass", "offset", new { value = 0 }).Node("slow", "sleep", new { ms = sleepMs }).Node("out", "count")
        .Edge("src", "pass").Edge("pass", "slow").Edge("slow", "out");

    private static long Of(DagStatus status, string node, Func<NodeStatus, long> counter) => counter(status.Nodes.Single(n => n.NodeId == node));

    [Fact]
    public async Task A_slow_consumer_on_another_silo_holds_its_producer_to_a_bounded_backlog()
    {
        const int batch = 16;
        var run = await cluster.Dagger.SubmitAsync(Crossing("range", new { }, batch, sleepMs: 1).Build());
        try
        {
            var status = await run.WaitUntilAsync(s => Of(s, "slow", n => n.Received) > 300);
            Assert.NotEqual(status.Nodes.Single(n => n.NodeId == "pass").Silo, status.Nodes.Single(n => n.NodeId == "slow").Silo);
            var backlog = Of(status, "pass", n => n.Emitted) - Of(status, "slow", n => n.Received);
            // In flight: the calls' batches, a group waiting, the consumer's inbox, the batch in its operator.
            var window = new DaggerOptions().WindowFor(batch);
            Assert.InRange(backlog, 0, (window + 8 + window + 2) * batch);
        }
        finally
        {
            await run.CancelAsync(CancelMode.Force);
        }
    }

    [Fact]
    public async Task Batches_held_back_while_every_call_was_out_still_arrive_when_the_producer_goes_quiet()
    {
        const int count = 120;
        var run = await cluster.Dagger.SubmitAsync(Crossing("burst", new { count }, batch: 1, sleepMs: 2).Build());
        try
        {
            var status = await run.WaitUntilAsync(s => Of(s, "out", n => n.Received) == count);
            Assert.Equal(count, Of(status, "pass", n => n.Emitted));
        }
        finally
        {
            await run.CancelAsync(CancelMode.Force);
        }
    }
}
