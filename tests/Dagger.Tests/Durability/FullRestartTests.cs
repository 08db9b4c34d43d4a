using Orleans.Runtime;
using Xunit;
using static Dagger.Orleans.Tests.Durability.DurableRunTests;

namespace Dagger.Orleans.Tests.Durability;

/// <summary>
/// Every silo killed under a streaming run on NATS edges, then a new cluster of the same service on the same servers.
/// Its own servers and cluster: a fresh JetStream stream, so what earlier tests left unacknowledged on the broker
/// (redelivered to every new owner of a queue) does not weigh on the timing here.
/// </summary>
public sealed class FullRestartTests(DurableCluster cluster) : IClassFixture<DurableCluster>
{
    [Fact]
    public async Task A_streaming_run_on_NATS_edges_goes_on_after_every_silo_is_killed_with_every_element_exactly_once()
    {
        var run = await cluster.Dagger.SubmitAsync(Chain(Count));
        await WaitForReceivedAsync(run, "sum", 20_000);

        await cluster.RestartAsync();

        // Nobody asks about the run before its nodes run again: the starting silos wake it themselves.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await NodeActivationsAsync(run.Id)).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no node of the run was started again within 30 s of the restart");
            await Task.Delay(100);
        }
        var end = await WaitForEndAsync(cluster.Dagger.Attach(run.Id), TimeSpan.FromSeconds(120));
        AssertExact(end, Count);
    }

    /// <summary>The node activations of a run alive on any silo (the management grain asks every silo; ids read "type/dag/node").</summary>
    private async Task<List<string>> NodeActivationsAsync(string dagId)
    {
        var stats = await cluster.Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return stats.Select(s => s.GrainId.ToString()).Where(id => id.Contains($"/{dagId}/", StringComparison.Ordinal)).ToList();
    }
}
