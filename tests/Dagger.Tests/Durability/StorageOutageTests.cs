using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Cluster;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Durability;

/// <summary>
/// The run-state storage going down under a durable run (issue C item 6): checkpoints are retried, then the run fails
/// with an error that names the storage — it never goes on believed durable, and never waits forever. Its own cluster
/// and servers: the outage must not touch the other durability tests.
/// </summary>
public sealed class StorageOutageTests(DurableCluster cluster) : IClassFixture<DurableCluster>
{
    [Fact]
    public async Task A_durable_run_whose_storage_goes_down_fails_naming_the_storage_after_retries()
    {
        var spec = DurableCluster.On(Transports.Nats, new DagBuilder().Defaults(batch: 100)
            .Node("src", "range", new { count = 50_000_000L }).Node("x3", "scale", new { factor = 3 }).Node("sum", "sum")
            .Edge("src", "x3").Edge("x3", "sum").Build());
        var run = await cluster.Dagger.SubmitAsync(spec);
        await using var cleanup = run.CancelOnExit();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await run.GetStatusAsync()).Nodes.Single(n => n.NodeId == "sum").Received < 5_000)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run did not get going within 60 s");
            await Task.Delay(50);
        }

        await cluster.Azurite.KillAsync();

        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        DagStatus status;
        while (!(status = await run.GetStatusAsync()).State.IsTerminal())
        {
            Assert.True(DateTime.UtcNow < deadline, "the run neither failed nor ended within 90 s of the storage going down: " + string.Join("; ", status.Nodes));
            await Task.Delay(200);
        }
        Assert.Equal(DagState.Failed, status.State);
        // Checkpoints (storage 'dagger-checkpoints') or the run record ('dagger'): whichever write failed first, named with where it is.
        Assert.Contains("grain storage 'dagger", status.Error);
        Assert.Contains($"at http://127.0.0.1:", status.Error);
    }
}
