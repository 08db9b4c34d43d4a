using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Servers;
using Dagger.Orleans.Wire;
using Orleans.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace Dagger.Orleans.Tests.Membership;

/// <summary>
/// Azurite, which holds the official membership table, killed and restarted under a running cluster of silo processes:
/// the table is where silos meet, not what they run on, so its outage must cost nothing but joins. Its own fixture: the
/// outage must not touch the other membership tests.
/// </summary>
public sealed class MembershipTableOutageTests(AzureSiloProcesses cluster, ITestOutputHelper output) : IClassFixture<AzureSiloProcesses>
{
    [Fact]
    public async Task The_cluster_runs_dags_through_a_table_outage_and_takes_a_new_silo_once_the_table_is_back()
    {
        var activeBefore = await ActiveSilosAsync();
        Assert.True(activeBefore.Count >= 2, $"expected the fixture's two silos active, the table has {activeBefore.Count}");
        var file = new ClusterFile { ClusterId = cluster.ClusterId, AzureTables = cluster.Azurite.ConnectionString };
        await using var connected = await DaggerClient.ConnectAsync(file);

        // The silos' joins must be saved before the crash, or the restarted service has no cluster in it (seen:
        // version 2, one row).
        await Task.Delay(AzuriteFixture.SaveInterval);
        await cluster.Azurite.KillAsync();
        // The outage lasts several table refreshes (1 s) and I-am-alive writes (2 s) of the fixture's silos, which find
        // the table gone and must carry on; nothing to await but time passing.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal("[0,1,2,3,4]", await RunRangeAsync(connected, 5));

        await cluster.Azurite.RestartAsync();
        var (_, newPort) = await cluster.StartSiloAsync();
        var took = await cluster.WaitForStatusAsync(newPort, SiloStatus.Active, TimeSpan.FromSeconds(60));
        output.WriteLine($"a silo started after the restart was active after {took.TotalSeconds:0.0} s");

        var activeAfter = await ActiveSilosAsync();
        Assert.True(activeBefore.IsSubsetOf(activeAfter),
            $"active before the outage: {string.Join(", ", activeBefore)}; after: {string.Join(", ", activeAfter)}\n" +
            $"table: {await cluster.Table.ReadAllAsync(CancellationToken.None)}\n{cluster.SiloOutputs()}");
        await using var fresh = await DaggerClient.ConnectAsync(file);
        Assert.Equal("[0,1,2]", await RunRangeAsync(fresh, 3));
    }

    private async Task<HashSet<string>> ActiveSilosAsync()
    {
        var data = await cluster.Table.ReadAllAsync(CancellationToken.None);
        return data.Members.Where(m => m.Item1.Status == SiloStatus.Active).Select(m => m.Item1.SiloAddress.ToString()).ToHashSet();
    }

    private static async Task<string> RunRangeAsync(DaggerClient client, int count)
    {
        var spec = new DagBuilder().Node("src", "range", new { count }).Node("out", "collect").Edge("src", "out").Build();
        var run = await client.SubmitAsync(spec);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), deadline.Token);
        Assert.True(status.State == DagState.Completed, $"the run ended {status.State}: {status.Error}");
        return status.Results["out"];
    }
}
