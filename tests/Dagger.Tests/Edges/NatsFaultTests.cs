using System.Globalization;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Edges;

/// <summary>Faults under a DAG on NATS edges; a cluster and a nats-server of their own, since they take the server down.</summary>
public sealed class NatsFaultTests(NatsCluster cluster) : IClassFixture<NatsCluster>
{
    private static NodeStatus Node(DagStatus status, string id) => status.Nodes.Single(n => n.NodeId == id);

    [Fact]
    public async Task A_nats_server_killed_and_restarted_mid_stream_loses_and_repeats_nothing()
    {
        const long count = 200_000;
        var run = await cluster.Dagger.SubmitAsync(cluster.OnTransport(new DagBuilder().Defaults(batch: 100)
            .Node("src", "range", new { count }).Node("x3", "scale", new { factor = 3 }).Node("sum", "sum").Node("count", "count")
            .Edge("src", "x3").Edge("x3", "sum").Edge("x3", "count").Build()));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Node(await run.GetStatusAsync(), "sum").Received < 20_000)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run did not get going within 60 s");
            await Task.Delay(20);
        }

        await cluster.Nats.KillAsync();
        var atKill = Node(await run.GetStatusAsync(), "sum").Received;
        await Task.Delay(TimeSpan.FromSeconds(1)); // the outage itself: nothing to wait for
        await cluster.Nats.RestartAsync();

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
        Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}");
        Assert.True(atKill < count, "the stream had already ended when the server was killed");
        Assert.Equal(count, long.Parse(status.Results["count"], CultureInfo.InvariantCulture));
        Assert.Equal(3.0 * (count - 1) * count / 2, double.Parse(status.Results["sum"], CultureInfo.InvariantCulture));
    }
}
