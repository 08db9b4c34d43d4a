using Dagger.Orleans.Tests.Cluster;
using System.Globalization;
using System.Text.Json;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Edges;

/// <summary>
/// What every edge transport must give a DAG (CONTRACT §1): the shapes of issue A, every element type, every element
/// once and in order, batches larger than a broker message, and flow control. Run against memory, NATS and MQTT.
/// </summary>
public abstract class EdgeContract<TCluster>(TCluster cluster) where TCluster : TransportCluster
{
    protected TCluster Cluster { get; } = cluster;

    private static double Number(string json) => double.Parse(json, CultureInfo.InvariantCulture);

    private static NodeStatus Node(DagStatus status, string id) => status.Nodes.Single(n => n.NodeId == id);

    private static void Completed(DagStatus status) => Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}");

    [Fact]
    public async Task A_chain_delivers_every_element_once_in_order()
    {
        var status = await Cluster.RunAsync(new DagBuilder().Defaults(batch: 100)
            .Node("src", "range", new { count = 20_000 }).Node("x2", "scale", new { factor = 2 }).Node("out", "collect")
            .Edge("src", "x2").Edge("x2", "out"));
        Completed(status);
        var values = JsonSerializer.Deserialize<double[]>(status.Results["out"])!;
        Assert.Equal(Enumerable.Range(0, 20_000).Select(i => 2.0 * i), values);
    }

    [Fact]
    public async Task The_contract_diamond_adds_its_two_branches_in_lockstep()
    {
        var status = await Cluster.RunAsync(new DagBuilder().Defaults(batch: 64)
            .Node("src", "range", new { count = 1000 }).Node("a", "scale", new { factor = 2 }).Node("b", "offset", new { value = 1 })
            .Node("join", "add").Node("out", "collect")
            .Edge("src", "a").Edge("src", "b").Edge("a", "join", port: 0).Edge("b", "join", port: 1).Edge("join", "out"));
        Completed(status);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => 3.0 * i + 1), JsonSerializer.Deserialize<double[]>(status.Results["out"])!);
    }

    [Fact]
    public async Task Fan_out_and_merge_see_every_element_of_every_branch()
    {
        var status = await Cluster.RunAsync(new DagBuilder().Defaults(batch: 50)
            .Node("src", "range", new { count = 5000 }).Node("a", "scale", new { factor = 1 }).Node("b", "scale", new { factor = 10 })
            .Node("m", "merge").Node("sum", "sum").Node("count", "count")
            .Edge("src", "a").Edge("src", "b").Edge("a", "m", port: 0).Edge("b", "m", port: 1).Edge("m", "sum").Edge("m", "count"));
        Completed(status);
        Assert.Equal(10_000, long.Parse(status.Results["count"], CultureInfo.InvariantCulture));
        Assert.Equal(11.0 * 4999 * 5000 / 2, Number(status.Results["sum"]));
    }

    [Fact]
    public async Task An_endless_source_is_torn_down_when_its_consumer_finishes()
    {
        var status = await Cluster.RunAsync(new DagBuilder().Defaults(batch: 32)
            .Node("src", "range").Node("lim", "scale", new { factor = 1 }, maxEvals: 500).Node("out", "count")
            .Edge("src", "lim").Edge("lim", "out"));
        Completed(status);
        Assert.Equal("500", status.Results["out"]);
        Assert.Equal(NodeState.Finished, Node(status, "src").State);
    }

    [Theory]
    [InlineData("int64", "[0,1,2]")]
    [InlineData("float64", "[0,1,2]")]
    [InlineData("float32", "[0,1,2]")]
    [InlineData("vector", "[[0,1],[1,2],[2,3]]")]
    public async Task Every_element_type_crosses_the_edge_unchanged(string type, string expected)
    {
        var status = await Cluster.RunAsync(new DagBuilder().Defaults(batch: 2)
            .Node("src", "range", new { count = 3, type, width = 2 }).Node("out", "collect").Edge("src", "out"));
        Completed(status);
        Assert.Equal(expected, status.Results["out"]);
    }

    [Fact]
    public async Task Records_cross_the_edge_with_their_keys_and_values()
    {
        var status = await Cluster.RunAsync(new DagBuilder().Defaults(batch: 7)
            .Node("src", "range", new { count = 20, type = "record" }).Node("x", "scale", new { factor = 3 }).Node("out", "sum")
            .Edge("src", "x").Edge("x", "out"));
        Completed(status);
        Assert.Equal(3.0 * 19 * 20 / 2, Number(status.Results["out"]));
    }

    [Fact]
    public async Task A_batch_larger_than_a_broker_message_arrives_whole()
    {
        // One vector of 400k floats is 1.6 MB: more than NATS' 1 MB default payload, split and put back together.
        const int width = 400_000;
        var status = await Cluster.RunAsync(new DagBuilder().Defaults(batch: 1)
            .Node("src", "constant", new { value = 0.5, count = 3, type = "vector", width }).Node("out", "sum").Edge("src", "out"));
        Completed(status);
        var sums = JsonSerializer.Deserialize<double[]>(status.Results["out"])!;
        Assert.Equal(width, sums.Length);
        // Element j of a constant vector is value + j; three of them sum to 3·(0.5 + j).
        for (var j = 0; j < width; j++) Assert.Equal(3 * (0.5 + j), sums[j]);
    }

    [Fact]
    public async Task Nodes_moved_to_the_other_silo_mid_stream_lose_and_repeat_nothing()
    {
        var run = await Cluster.Dagger.SubmitAsync(Cluster.OnTransport(new DagBuilder().Defaults(batch: 100)
            .Node("src", "range").Node("x2", "merge").Node("sum", "sum").Node("count", "count")
            .Edge("src", "x2").Edge("x2", "sum").Edge("src", "count").Build()));
        await using var cleanup = run.CancelOnExit();
        await WaitAsync(run, s => Node(s, "sum").Received > 5_000);
        foreach (var node in new[] { "x2", "sum", "src" })
        {
            var now = await run.MigrateAsync(node);
            await WaitAsync(run, s => Node(s, node).Silo == now);
            var received = Node(await run.GetStatusAsync(), "sum").Received;
            await WaitAsync(run, s => Node(s, "sum").Received > received + 5_000);
        }

        await run.CancelAsync(CancelMode.Graceful);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);
        Assert.True(status.State == DagState.Cancelled, $"{status.State}: {status.Error}");
        var n = Node(status, "src").Emitted;
        Assert.Equal(n, long.Parse(status.Results["count"], CultureInfo.InvariantCulture));
        // int64 elements through a pass-through node, summed in 64-bit integers: exact at any length.
        Assert.Equal(n * (n - 1) / 2, long.Parse(status.Results["sum"], CultureInfo.InvariantCulture));
    }

    private static async Task WaitAsync(Client.DagRun run, Func<DagStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        DagStatus status;
        while (!condition(status = await run.GetStatusAsync()))
        {
            Assert.False(status.State.IsTerminal(), $"the run ended ({status.State}: {status.Error}) before the awaited condition");
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 60 s: " + string.Join("; ", status.Nodes));
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_slow_consumer_holds_its_producer_back_to_a_bounded_window()
    {
        const int batch = 16;
        var run = await Cluster.Dagger.SubmitAsync(Cluster.OnTransport(new DagBuilder().Defaults(batch: batch)
            .Node("src", "range").Node("slow", "sleep", new { ms = 1 }).Node("out", "count")
            .Edge("src", "slow").Edge("slow", "out").Build()));
        await using var cleanup = run.CancelOnExit();
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            DagStatus status;
            do
            {
                await Task.Delay(50);
                status = await run.GetStatusAsync();
                Assert.True(DateTime.UtcNow < deadline, "the slow node received nothing within 30 s");
            }
            while (Node(status, "slow").Received <= 300);
            var window = new global::Dagger.Orleans.Runtime.DaggerOptions().WindowFor(batch);
            // Unconsumed per edge: a window published or in calls, an inbox of the same size, the batch in the operator and one being written.
            Assert.InRange(Node(status, "src").Emitted - Node(status, "slow").Received, 0, (2 * window + 2) * batch);
        }
        finally
        {
            await run.CancelAsync(CancelMode.Force);
        }
    }
}
