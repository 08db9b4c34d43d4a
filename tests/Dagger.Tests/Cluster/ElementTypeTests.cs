using System.Text.Json;
using System.Text.Json.Nodes;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Cluster;

[Collection(TwoSiloClusterCollection.Name)]
public sealed class ElementTypeTests(TwoSiloCluster cluster)
{
    [Theory]
    [InlineData("int64")]
    [InlineData("float64")]
    [InlineData("float32")]
    [InlineData("record")]
    public async Task Scalar_element_types_flow_through_arithmetic(string type)
    {
        var status = await cluster.RunAsync(new DagBuilder().Defaults(batch: 5)
            .Node("s", "range", new { count = 12, type }).Node("x", "scale", new { factor = 2 }).Node("sum", "sum").Node("all", "collect")
            .Edge("s", "x").Edge("x", "sum").Edge("x", "all"));
        Assert.Equal(DagState.Completed, status.State);
        Assert.Equal(132, double.Parse(status.Results["sum"], System.Globalization.CultureInfo.InvariantCulture));
        var all = JsonNode.Parse(status.Results["all"])!.AsArray();
        Assert.Equal(12, all.Count);
        if (type == "record")
        {
            Assert.Equal(11, (long)all[11]!["key"]!);
            Assert.Equal(22, (double)all[11]!["value"]!);
        }
        else
        {
            Assert.Equal(22, (double)all[11]!);
        }
    }

    [Fact]
    public async Task Float32_vectors_scale_component_wise_and_sum_per_component()
    {
        var status = await cluster.RunAsync(new DagBuilder().Defaults(batch: 4)
            .Node("s", "range", new { count = 10, type = "vector", width = 3 }).Node("x", "scale", new { factor = 2 })
            .Node("sum", "sum").Node("all", "collect")
            .Edge("s", "x").Edge("x", "sum").Edge("x", "all"));
        Assert.Equal([90, 110, 130], JsonSerializer.Deserialize<double[]>(status.Results["sum"])!);
        Assert.Equal([18, 20, 22], JsonSerializer.Deserialize<double[][]>(status.Results["all"])![9]);
    }

    [Fact]
    public async Task A_vector_fanned_out_to_two_consumers_is_not_changed_for_one_by_the_other()
    {
        var status = await cluster.RunAsync(new DagBuilder().Defaults(batch: 4)
            .Node("s", "range", new { count = 20, type = "vector", width = 2 })
            .Node("x", "scale", new { factor = 100 }).Node("scaled", "collect").Node("plain", "collect")
            .Edge("s", "x").Edge("x", "scaled").Edge("s", "plain"));
        var plain = JsonSerializer.Deserialize<double[][]>(status.Results["plain"])!;
        var scaled = JsonSerializer.Deserialize<double[][]>(status.Results["scaled"])!;
        Assert.Equal(Enumerable.Range(0, 20).Select(i => new double[] { i, i + 1 }), plain);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => new double[] { 100 * i, 100 * (i + 1) }), scaled);
    }

    [Fact]
    public async Task A_mutable_record_fanned_out_is_private_to_each_consumer()
    {
        var status = await cluster.RunAsync(new DagBuilder().Defaults(batch: 8)
            .Node("s", "range", new { count = 30, type = "record" })
            .Node("t1", "tag", new { label = "one" }).Node("t2", "tag", new { label = "two" })
            .Node("c1", "collect").Node("c2", "collect").Node("plain", "collect")
            .Edge("s", "t1").Edge("s", "t2").Edge("s", "plain").Edge("t1", "c1").Edge("t2", "c2"));
        Assert.Equal(DagState.Completed, status.State);
        var plain = JsonNode.Parse(status.Results["plain"])!.AsArray();
        Assert.All(plain, r => Assert.Null(r!["label"]));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (double)i), plain.Select(r => (double)r!["value"]!));
        Assert.All(JsonNode.Parse(status.Results["c1"])!.AsArray(), r => Assert.Equal("one", (string)r!["label"]!));
        Assert.All(JsonNode.Parse(status.Results["c2"])!.AsArray(), r => Assert.Equal("two", (string)r!["label"]!));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => 1000.0 + i), JsonNode.Parse(status.Results["c2"])!.AsArray().Select(r => (double)r!["value"]!));
    }
}
