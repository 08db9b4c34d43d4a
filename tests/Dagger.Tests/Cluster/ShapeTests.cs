using System.Text.Json;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Cluster;

[Collection(TwoSiloClusterCollection.Name)]
public sealed class ShapeTests(TwoSiloCluster cluster)
{
    private static double[] Numbers(DagStatus status, string sink) =>
        JsonSerializer.Deserialize<double[]>(status.Results[sink])!;

    private static double Number(DagStatus status, string sink) => double.Parse(status.Results[sink], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_finite_task_with_a_result_completes_by_itself()
    {
        var status = await cluster.RunAsync(new DagBuilder().Node("s", "range", new { count = 5 }).Node("out", "collect").Edge("s", "out"));
        Assert.Equal(DagState.Completed, status.State);
        Assert.Equal([0, 1, 2, 3, 4], Numbers(status, "out"));
        Assert.All(status.Nodes, n => Assert.Equal(NodeState.Finished, n.State));
    }

    [Fact]
    public async Task A_finite_task_with_no_elements_completes_with_an_empty_result()
    {
        var status = await cluster.RunAsync(new DagBuilder().Node("s", "range", new { count = 0 }).Node("out", "collect").Edge("s", "out"));
        Assert.Equal(DagState.Completed, status.State);
        Assert.Empty(Numbers(status, "out"));
    }

    [Fact]
    public async Task A_chain_applies_every_operator_in_order()
    {
        var status = await cluster.RunAsync(new DagBuilder().Defaults(batch: 7)
            .Node("s", "range", new { start = 1, count = 100 })
            .Node("x2", "scale", new { factor = 2 }).Node("p3", "offset", new { value = 3 }).Node("x10", "scale", new { factor = 10 })
            .Node("out", "collect")
            .Edge("s", "x2").Edge("x2", "p3").Edge("p3", "x10").Edge("x10", "out"));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (i * 2 + 3) * 10.0).ToArray(), Numbers(status, "out"));
    }

    [Fact]
    public async Task One_producer_feeds_two_consumers_every_element()
    {
        var status = await cluster.RunAsync(new DagBuilder().Defaults(batch: 16)
            .Node("s", "range", new { count = 1000 }).Node("a", "sum").Node("b", "count")
            .Edge("s", "a").Edge("s", "b"));
        Assert.Equal(499500, Number(status, "a"));
        Assert.Equal(1000, Number(status, "b"));
    }

    [Fact]
    public async Task Two_producers_merge_into_one_consumer()
    {
        var status = await cluster.RunAsync(new DagBuilder().Defaults(batch: 10)
            .Node("x", "range", new { count = 100 }).Node("y", "constant", new { value = 1, count = 50 })
            .Node("m", "merge").Node("s", "sum").Node("c", "count")
            .Edge("x", "m", 0).Edge("y", "m", 1).Edge("m", "s").Edge("m", "c"));
        Assert.Equal(4950 + 50, Number(status, "s"));
        Assert.Equal(150, Number(status, "c"));
    }

    [Fact]
    public async Task A_diamond_gives_the_contract_result()
    {
        var status = await cluster.RunAsync(new DagBuilder("diamond")
            .Node("src", "range", new { count = 1000 }).Node("a", "scale", new { factor = 2 }).Node("b", "offset", new { value = 1 })
            .Node("join", "add").Node("out", "collect")
            .Edge("src", "a").Edge("src", "b").Edge("a", "join", 0).Edge("b", "join", 1).Edge("join", "out"));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => 3.0 * i + 1).ToArray(), Numbers(status, "out"));
    }

    [Fact]
    public async Task An_hourglass_joins_two_sources_and_fans_out_to_two_sinks()
    {
        var status = await cluster.RunAsync(new DagBuilder()
            .Node("x", "range", new { count = 100 }).Node("y", "constant", new { value = 10, count = 100 })
            .Node("z", "add").Node("A", "sum").Node("B", "count")
            .Edge("x", "z", 0).Edge("y", "z", 1).Edge("z", "A").Edge("z", "B"));
        Assert.Equal(5950, Number(status, "A"));
        Assert.Equal(100, Number(status, "B"));
    }

    [Fact]
    public async Task Lockstep_add_ends_when_the_shorter_input_ends_even_if_the_other_is_endless()
    {
        var status = await cluster.RunAsync(new DagBuilder().Defaults(batch: 8)
            .Node("endless", "range").Node("short", "range", new { count = 37 })
            .Node("z", "add").Node("c", "collect")
            .Edge("endless", "z", 0).Edge("short", "z", 1).Edge("z", "c"));
        Assert.Equal(DagState.Completed, status.State);
        Assert.Equal(Enumerable.Range(0, 37).Select(i => 2.0 * i).ToArray(), Numbers(status, "c"));
    }

    [Fact]
    public async Task Each_edge_keeps_its_order_across_silos_with_small_batches()
    {
        var status = await cluster.RunAsync(new DagBuilder().Defaults(batch: 3)
            .Node("s", "range", new { count = 20000 }).Node("a", "offset", new { value = 0 }).Node("b", "scale", new { factor = 1 })
            .Node("out", "collect")
            .Edge("s", "a").Edge("a", "b").Edge("b", "out"));
        Assert.Equal(Enumerable.Range(0, 20000).Select(i => (double)i).ToArray(), Numbers(status, "out"));
    }

    [Fact]
    public async Task Asking_about_an_unknown_dag_id_is_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<DagNotFoundException>(() => cluster.Dagger.Attach("no-such-run").GetStatusAsync());
        Assert.Equal("no-such-run", error.DagId);
        Assert.Contains("no DAG with id 'no-such-run'", error.Message);
    }
}
