using System.Text.Json;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Cluster;

[Collection(TwoSiloClusterCollection.Name)]
public sealed class ConcurrentRunTests(TwoSiloCluster cluster)
{
    [Fact]
    public async Task Many_runs_at_once_keep_to_themselves_and_each_gives_its_exact_result()
    {
        var runs = Enumerable.Range(1, 12).Select(async k =>
        {
            // Same node ids in every run, different sizes and factors: any crossing of data between runs shows.
            var count = 500 * k + k;
            var status = await cluster.RunAsync(new DagBuilder($"diamond-{k}").Defaults(batch: 16 * k)
                .Node("src", "range", new { count }).Node("a", "scale", new { factor = k }).Node("b", "offset", new { value = k })
                .Node("join", "add").Node("out", "collect").Node("n", "count")
                .Edge("src", "a").Edge("src", "b").Edge("a", "join", 0).Edge("b", "join", 1).Edge("join", "out").Edge("join", "n"));
            return (k, count, status);
        }).ToList();

        foreach (var (k, count, status) in await Task.WhenAll(runs))
        {
            Assert.Equal(DagState.Completed, status.State);
            Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), status.Results["n"]);
            var expected = Enumerable.Range(0, count).Select(i => (double)k * i + i + k).ToArray();
            Assert.Equal(expected, JsonSerializer.Deserialize<double[]>(status.Results["out"])!);
        }
    }
}
