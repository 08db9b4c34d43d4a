using Azure.Data.Tables;
using Orleans.Clustering.AzureStorage;
using Dagger.Orleans.Tests.Servers;
using Orleans;
using Orleans.Runtime;
using Xunit;

namespace Dagger.Orleans.Tests.Membership;

/// <summary>
/// The Orleans membership-table contract (as Orleans' own MembershipTableTestsBase states it) that the silos rely on,
/// checked on the official Azure Table provider (Microsoft.Orleans.Clustering.AzureStorage) against a real Azurite.
/// </summary>
// The tests call the table through the interface's older (obsolete) forms, which the provider implements and Orleans still calls.
// One check of our own table is not kept: the official UpdateRow accepts a stale row ETag when the table version is
// current (the version row's ETag orders every membership change; not a promise Orleans' MembershipTableTestsBase
// makes of every table). Cleanup is checked as the official table does it: it removes rows that are not Active and
// that the storage last changed (its Timestamp, not the row's IAmAliveTime) before the date — which is why our old
// check, rows written now with an IAmAliveTime ten days back, saw nothing removed.
#pragma warning disable CS0618
public sealed class MembershipTableContractTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private Task<IMembershipTable> OpenAsync(string? clusterId = null) =>
        MembershipTables.OpenAsync(azurite.ConnectionString, clusterId ?? MembershipTables.NewClusterId());

    [Fact]
    public async Task A_new_cluster_reads_as_version_zero_with_no_members()
    {
        var table = await OpenAsync();

        var data = await table.ReadAll();

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.False(string.IsNullOrEmpty(data.Version.VersionEtag));
    }

    [Fact]
    public async Task Initializing_twice_keeps_the_version_row_that_is_there()
    {
        var clusterId = MembershipTables.NewClusterId();
        var first = await OpenAsync(clusterId);
        Assert.True(await first.InsertRow(MembershipTables.Entry(), (await first.ReadAll()).Version.Next()));

        var second = await OpenAsync(clusterId);

        Assert.Equal(1, (await second.ReadAll()).Version.Version);
    }

    [Fact]
    public async Task An_inserted_row_reads_back_whole_through_ReadRow_and_ReadAll()
    {
        var table = await OpenAsync();
        var entry = MembershipTables.Entry(SiloStatus.Active);
        entry.RoleName = "role";
        entry.UpdateZone = 3;
        entry.FaultZone = 4;
        var suspector = MembershipTables.Entry().SiloAddress;
        entry.AddSuspector(suspector, entry.StartTime.AddSeconds(5));

        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));

        var row = await table.ReadRow(entry.SiloAddress);
        var all = await table.ReadAll();
        Assert.Equal(1, row.Version.Version);
        Assert.Equal(1, all.Version.Version);
        var (read, etag) = Assert.Single(row.Members);
        Assert.Equal(entry.ToFullString(), read.ToFullString());
        Assert.Equal(etag, Assert.Single(all.Members).Item2);
        Assert.Equal(suspector, Assert.Single(read.SuspectTimes!).Item1);
    }

    [Fact]
    public async Task ReadRow_of_an_unknown_silo_returns_the_version_and_no_member()
    {
        var table = await OpenAsync();

        var data = await table.ReadRow(MembershipTables.Entry().SiloAddress);

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
    }

    [Fact]
    public async Task Inserting_the_same_silo_twice_returns_false_the_second_time()
    {
        var table = await OpenAsync();
        var entry = MembershipTables.Entry();
        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));

        var again = await table.InsertRow(entry, (await table.ReadAll()).Version.Next());

        Assert.False(again);
        Assert.Single((await table.ReadAll()).Members);
    }

    [Fact]
    public async Task Inserting_with_a_stale_table_version_returns_false_and_writes_nothing()
    {
        var table = await OpenAsync();
        var stale = (await table.ReadAll()).Version;
        Assert.True(await table.InsertRow(MembershipTables.Entry(), stale.Next()));

        var late = await table.InsertRow(MembershipTables.Entry(), stale.Next());

        Assert.False(late);
        var data = await table.ReadAll();
        Assert.Single(data.Members);
        Assert.Equal(1, data.Version.Version);
    }

    [Fact]
    public async Task Updating_with_a_stale_table_version_returns_false_even_with_the_current_row_etag()
    {
        var table = await OpenAsync();
        var entry = MembershipTables.Entry();
        var other = MembershipTables.Entry(port: 11112);
        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        var before = await table.ReadAll();
        Assert.True(await table.InsertRow(other, before.Version.Next()));

        entry.Status = SiloStatus.Active;
        var late = await table.UpdateRow(entry, before.Members[0].Item2, before.Version.Next());

        Assert.False(late);
        Assert.Equal(SiloStatus.Joining, (await table.ReadRow(entry.SiloAddress)).Members[0].Item1.Status);
    }

    [Fact]
    public async Task Of_racing_updates_at_one_version_exactly_one_wins()
    {
        var table = await OpenAsync();
        var entry = MembershipTables.Entry();
        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        var data = await table.ReadAll();
        var etag = data.Members[0].Item2;

        var racers = new Task<bool>[8];
        for (var i = 0; i < racers.Length; i++)
        {
            var copy = MembershipTables.Entry();
            copy.SiloAddress = entry.SiloAddress;
            copy.Status = SiloStatus.Active;
            copy.SiloName = "racer-" + i;
            racers[i] = table.UpdateRow(copy, etag, data.Version.Next());
        }
        var results = await Task.WhenAll(racers);

        Assert.Single(results, won => won);
        Assert.Equal(2, (await table.ReadAll()).Version.Version);
    }

    [Fact]
    public async Task UpdateIAmAlive_moves_the_time_only_and_leaves_the_version_and_etags_to_membership_changes()
    {
        var table = await OpenAsync();
        var entry = MembershipTables.Entry(SiloStatus.Active);
        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        var before = await table.ReadAll();

        var alive = entry.IAmAliveTime.AddMinutes(3);
        await table.UpdateIAmAlive(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = alive });

        var after = await table.ReadAll();
        var read = Assert.Single(after.Members).Item1;
        Assert.Equal(alive, read.IAmAliveTime);
        Assert.Equal(SiloStatus.Active, read.Status);
        Assert.Equal(entry.SiloName, read.SiloName);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task Cleanup_removes_the_rows_not_active_before_the_date_and_keeps_the_active_ones()
    {
        var table = await OpenAsync();
        var dead = MembershipTables.Entry(SiloStatus.Dead, port: 11112);
        var active = MembershipTables.Entry(SiloStatus.Active, port: 11113);
        Assert.True(await table.InsertRow(dead, (await table.ReadAll()).Version.Next()));
        Assert.True(await table.InsertRow(active, (await table.ReadAll()).Version.Next()));

        await table.CleanupDefunctSiloEntries(DateTimeOffset.UtcNow.AddDays(-1));
        Assert.Equal(2, (await table.ReadAll()).Members.Count);

        await table.CleanupDefunctSiloEntries(DateTimeOffset.UtcNow.AddMinutes(1));
        var left = Assert.Single((await table.ReadAll()).Members);
        Assert.Equal(active.SiloAddress, left.Item1.SiloAddress);
    }

    [Fact]
    public async Task Deleting_a_clusters_entries_empties_that_cluster_and_leaves_others_alone()
    {
        var doomedId = MembershipTables.NewClusterId();
        var doomed = await OpenAsync(doomedId);
        var neighbour = await OpenAsync();
        for (var i = 0; i < 3; i++) Assert.True(await doomed.InsertRow(MembershipTables.Entry(), (await doomed.ReadAll()).Version.Next()));
        Assert.True(await neighbour.InsertRow(MembershipTables.Entry(), (await neighbour.ReadAll()).Version.Next()));

        await doomed.DeleteMembershipTableEntries(doomedId);

        var rows = new TableServiceClient(azurite.ConnectionString).GetTableClient(AzureStorageClusteringOptions.DEFAULT_TABLE_NAME)
            .QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {doomedId}"));
        await foreach (var row in rows) Assert.Fail($"row {row.RowKey} of the deleted cluster is still there");
        Assert.Single((await neighbour.ReadAll()).Members);
    }

    [Fact]
    public async Task Two_cluster_ids_in_one_table_do_not_see_each_others_silos()
    {
        var a = await OpenAsync();
        var b = await OpenAsync();
        var inA = MembershipTables.Entry();
        var inB = MembershipTables.Entry();

        Assert.True(await a.InsertRow(inA, (await a.ReadAll()).Version.Next()));
        Assert.True(await b.InsertRow(inB, (await b.ReadAll()).Version.Next()));

        Assert.Equal(inA.SiloAddress, Assert.Single((await a.ReadAll()).Members).Item1.SiloAddress);
        Assert.Equal(inB.SiloAddress, Assert.Single((await b.ReadAll()).Members).Item1.SiloAddress);
        Assert.Empty((await a.ReadRow(inB.SiloAddress)).Members);
    }

    [Fact]
    public async Task The_gateway_list_holds_the_active_silos_with_a_gateway_port_only()
    {
        var clusterId = MembershipTables.NewClusterId();
        var table = await OpenAsync(clusterId);
        var active = MembershipTables.Entry(SiloStatus.Active, proxyPort: 30007);
        foreach (var entry in new[] { active, MembershipTables.Entry(SiloStatus.Dead), MembershipTables.Entry(SiloStatus.Joining), MembershipTables.Entry(SiloStatus.Active, proxyPort: 0) })
        {
            Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        }
        var gateways = MembershipTables.GatewayList(azurite.ConnectionString, clusterId);
        await gateways.InitializeGatewayListProvider();

        var list = await gateways.GetGateways();

        var gateway = Assert.Single(list);
        Assert.Equal(SiloAddress.New(active.SiloAddress.Endpoint.Address, 30007, active.SiloAddress.Generation).ToGatewayUri(), gateway);
    }
}
