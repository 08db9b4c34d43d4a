using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Orleans.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace Dagger.Orleans.Tests.Membership;

/// <summary>Real silo processes forming a cluster through the Azure Tables membership table on Azurite: join, leave, death, clients.</summary>
public sealed class AzureTableClusterTests(AzureSiloProcesses cluster, ITestOutputHelper output) : IClassFixture<AzureSiloProcesses>
{
    [Fact]
    public async Task Two_silos_join_through_the_table_and_both_become_active()
    {
        var data = await cluster.Table.ReadAllAsync(CancellationToken.None);

        var active = data.Members.Where(m => m.Item1.Status == SiloStatus.Active).Select(m => m.Item1.SiloAddress.Endpoint.Port).Distinct().ToList();
        Assert.True(active.Count >= 2, $"expected the two fixture silos active, the table says: {data}");
        Assert.True(data.Version.Version >= 4, $"two joins take at least four membership changes (Joining, Active each), version is {data.Version.Version}");
    }

    [Fact]
    public async Task A_client_finds_the_gateways_in_the_table_and_runs_a_dag()
    {
        var file = new ClusterFile { ClusterId = cluster.ClusterId, AzureTables = cluster.Azurite.ConnectionString };
        await using var client = await DaggerClient.ConnectAsync(file);
        var spec = new DagBuilder().Node("src", "range", new { count = 5 }).Node("out", "collect").Edge("src", "out").Build();

        var run = await client.SubmitAsync(spec);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);

        Assert.Equal(DagState.Completed, status.State);
        Assert.Equal("[0,1,2,3,4]", status.Results["out"]);
    }

    [Fact]
    public async Task A_silo_stopped_gracefully_leaves_its_row_dead()
    {
        var (silo, port) = await cluster.StartSiloAsync();
        await cluster.WaitForStatusAsync(port, SiloStatus.Active, TimeSpan.FromSeconds(10));

        await silo.InterruptAsync();
        var exit = await silo.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(SiloStatus.Dead, (await cluster.RowAsync(port))?.Status);
    }

    [Fact]
    public async Task A_killed_silo_is_declared_dead_by_the_others_within_seconds()
    {
        var (silo, port) = await cluster.StartSiloAsync();
        await cluster.WaitForStatusAsync(port, SiloStatus.Active, TimeSpan.FromSeconds(10));

        cluster.Kill(silo); // no goodbye, no row update of its own

        var took = await cluster.WaitForStatusAsync(port, SiloStatus.Dead, TimeSpan.FromSeconds(30));
        output.WriteLine($"the killed silo was declared dead after {took.TotalSeconds:0.0} s");
    }
}
