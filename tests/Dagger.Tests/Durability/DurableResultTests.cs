using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Results;
using Dagger.Orleans.Wire;
using Xunit;
using static Dagger.Orleans.Tests.Durability.DurableRunTests;

namespace Dagger.Orleans.Tests.Durability;

/// <summary>
/// Issue 17 with durable nodes: a collect on NATS edges streams its result to blobs in chunks; when its silo is killed
/// it resumes from its checkpoint (the chunks stored, the unsealed tail) and the stored result is still every element
/// exactly once, in order.
/// </summary>
[Collection(nameof(DurableClusterCollection))]
public sealed class DurableResultTests(DurableCluster cluster)
{
    private const long Elements = 200_000;

    [Fact]
    public async Task A_durable_collect_whose_silo_is_killed_resumes_its_stored_result_from_its_checkpoint_exactly()
    {
        var run = await cluster.Dagger.SubmitAsync(DurableCluster.On(Transports.Nats, new DagBuilder().Defaults(batch: 1000)
            .Node("src", "range", new { count = Elements }).Node("out", "collect").Edge("src", "out").Build()));
        run.ResultTextLimit = 0;
        var status = await WaitForReceivedAsync(run, "out", 60_000);

        var victim = cluster.Cluster.Silos.Single(s => s.SiloAddress.ToString() == Node(status, "out").Silo);
        await cluster.Cluster.KillSiloAsync(victim);

        var end = await WaitForEndAsync(run, TimeSpan.FromSeconds(120));
        Assert.True(end.State == DagState.Completed, $"{end.State}: {end.Error}");
        var stored = end.StoredResults["out"];
        Assert.Equal(ResultStores.Blob, stored.Store);
        using var bytes = new MemoryStream();
        await run.CopyResultToAsync(stored, bytes);
        Assert.Equal(ExpectedJson.RangeArray(Elements), System.Text.Encoding.UTF8.GetString(bytes.ToArray()));
        await cluster.Cluster.StartAdditionalSiloAsync();
    }
}
