using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Dagger.Orleans.Persistence.AzureStorage;
using Orleans.Runtime;
using Orleans.Storage;
using Xunit;

namespace Dagger.Orleans.Tests.Storage;

/// <summary>The grain storage contract on a real Azurite: round trips, ETag concurrency, clear, large states in blobs, key separation.</summary>
public sealed class AzureTableGrainStorageContractTests(AzureStorageFixture fixture) : IClassFixture<AzureStorageFixture>
{
    private const string StateName = "x";
    private const int SmallPayload = 1000;

    [Fact]
    public async Task A_written_state_reads_back_intact_with_the_etag_the_write_returned()
    {
        var grain = NewGrainId();
        var written = await WriteAsync(grain, StorageTestState.Create("first", 1, SmallPayload));

        var read = await ReadAsync(grain);

        Assert.True(read.RecordExists);
        Assert.True(read.State!.IsIntact("first", 1, SmallPayload));
        Assert.NotNull(written.ETag);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task A_second_write_with_the_returned_etag_succeeds_and_gives_a_new_etag()
    {
        var grain = NewGrainId();
        var state = await WriteAsync(grain, StorageTestState.Create("first", 1, SmallPayload));
        var firstETag = state.ETag;

        state.State = StorageTestState.Create("second", 2, SmallPayload);
        await fixture.Storage.WriteStateAsync(StateName, grain, state);

        Assert.NotEqual(firstETag, state.ETag);
        var read = await ReadAsync(grain);
        Assert.True(read.State!.IsIntact("second", 2, SmallPayload));
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_throws_InconsistentStateException_naming_both_etags_and_keeps_the_stored_state()
    {
        var grain = NewGrainId();
        var stale = await WriteAsync(grain, StorageTestState.Create("first", 1, SmallPayload));
        var current = await ReadAsync(grain);
        current.State = StorageTestState.Create("second", 2, SmallPayload);
        await fixture.Storage.WriteStateAsync(StateName, grain, current);

        stale.State = StorageTestState.Create("lost update", 3, SmallPayload);
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => fixture.Storage.WriteStateAsync(StateName, grain, stale));

        Assert.Equal(current.ETag, error.StoredEtag);
        Assert.Equal(stale.ETag, error.CurrentEtag);
        Assert.Contains(grain.ToString(), error.Message);
        Assert.True((await ReadAsync(grain)).State!.IsIntact("second", 2, SmallPayload));
    }

    [Fact]
    public async Task A_first_write_where_a_state_already_exists_throws_InconsistentStateException()
    {
        var grain = NewGrainId();
        await WriteAsync(grain, StorageTestState.Create("first", 1, SmallPayload));

        var blind = new GrainState<StorageTestState>(StorageTestState.Create("blind", 2, SmallPayload));
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => fixture.Storage.WriteStateAsync(StateName, grain, blind));

        Assert.Null(error.CurrentEtag);
        Assert.NotNull(error.StoredEtag);
    }

    [Fact]
    public async Task Clear_deletes_the_row_and_a_later_read_gives_the_default_state_and_no_etag()
    {
        var grain = NewGrainId();
        var state = await WriteAsync(grain, StorageTestState.Create("first", 1, SmallPayload));

        await fixture.Storage.ClearStateAsync(StateName, grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.False(await RowExistsAsync(grain));
        var read = await ReadAsync(grain);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal("", read.State!.Name);
        Assert.Empty(read.State!.Payload);
    }

    [Fact]
    public async Task A_clear_with_a_stale_etag_throws_InconsistentStateException_and_keeps_the_state()
    {
        var grain = NewGrainId();
        var stale = await WriteAsync(grain, StorageTestState.Create("first", 1, SmallPayload));
        var current = await ReadAsync(grain);
        current.State = StorageTestState.Create("second", 2, SmallPayload);
        await fixture.Storage.WriteStateAsync(StateName, grain, current);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => fixture.Storage.ClearStateAsync(StateName, grain, stale));

        Assert.Equal(current.ETag, error.StoredEtag);
        Assert.True((await ReadAsync(grain)).State!.IsIntact("second", 2, SmallPayload));
    }

    [Fact]
    public async Task Clear_with_DeleteStateOnClear_off_keeps_an_empty_row_whose_etag_guards_the_next_write()
    {
        var storage = fixture.CreateStorage(o => o.DeleteStateOnClear = false);
        var grain = NewGrainId();
        var state = new GrainState<StorageTestState>(StorageTestState.Create("first", 1, SmallPayload));
        await storage.WriteStateAsync(StateName, grain, state);

        await storage.ClearStateAsync(StateName, grain, state);

        Assert.False(state.RecordExists);
        Assert.NotNull(state.ETag);
        Assert.True(await RowExistsAsync(grain));
        var read = new GrainState<StorageTestState>();
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal("", read.State!.Name);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, new GrainState<StorageTestState>(StorageTestState.Create("blind", 2, 1))));
        read.State = StorageTestState.Create("again", 3, SmallPayload);
        await storage.WriteStateAsync(StateName, grain, read);
    }

    [Theory]
    [InlineData(300 * 1024)]
    [InlineData(3 * 1024 * 1024)]
    public async Task A_state_over_64_KiB_goes_to_a_blob_round_trips_and_clear_deletes_the_blob(int payloadBytes)
    {
        var grain = NewGrainId();
        var state = await WriteAsync(grain, StorageTestState.Create("large", 7, payloadBytes));

        Assert.Equal(1, await CountBlobsAsync(grain));
        var read = await ReadAsync(grain);
        Assert.True(read.State!.IsIntact("large", 7, payloadBytes));
        Assert.Equal(state.ETag, read.ETag);

        await fixture.Storage.ClearStateAsync(StateName, grain, read);

        Assert.Equal(0, await CountBlobsAsync(grain));
        Assert.False(await RowExistsAsync(grain));
    }

    [Fact]
    public async Task Shrinking_a_large_state_removes_its_blob_and_growing_again_replaces_the_old_blob()
    {
        var grain = NewGrainId();
        var state = await WriteAsync(grain, StorageTestState.Create("large", 1, 200 * 1024));
        state.State = StorageTestState.Create("larger", 2, 250 * 1024);
        await fixture.Storage.WriteStateAsync(StateName, grain, state);
        Assert.Equal(1, await CountBlobsAsync(grain));

        state.State = StorageTestState.Create("small", 3, SmallPayload);
        await fixture.Storage.WriteStateAsync(StateName, grain, state);

        Assert.Equal(0, await CountBlobsAsync(grain));
        Assert.True((await ReadAsync(grain)).State!.IsIntact("small", 3, SmallPayload));
    }

    [Fact]
    public async Task A_stale_write_of_a_large_state_leaves_no_blob_behind_and_keeps_the_stored_blob()
    {
        var grain = NewGrainId();
        var stale = await WriteAsync(grain, StorageTestState.Create("large", 1, 100 * 1024));
        var current = await ReadAsync(grain);
        current.State = StorageTestState.Create("current", 2, 120 * 1024);
        await fixture.Storage.WriteStateAsync(StateName, grain, current);

        stale.State = StorageTestState.Create("lost update", 3, 150 * 1024);
        await Assert.ThrowsAsync<InconsistentStateException>(() => fixture.Storage.WriteStateAsync(StateName, grain, stale));

        Assert.Equal(1, await CountBlobsAsync(grain));
        Assert.True((await ReadAsync(grain)).State!.IsIntact("current", 2, 120 * 1024));
    }

    [Fact]
    public async Task A_state_over_64_KiB_without_a_blob_client_fails_naming_the_setting()
    {
        var storage = fixture.CreateStorage(o => o.BlobServiceClient = null);
        var grain = NewGrainId();

        var error = await Assert.ThrowsAsync<AzureTableGrainStorageException>(() =>
            storage.WriteStateAsync(StateName, grain, new GrainState<StorageTestState>(StorageTestState.Create("large", 1, 100 * 1024))));

        Assert.Contains(nameof(AzureTableGrainStorageOptions.BlobServiceClient), error.Message);
        Assert.Contains(grain.ToString(), error.Message);
        Assert.False(await RowExistsAsync(grain));
    }

    [Fact]
    public async Task A_missing_table_and_container_are_created_when_the_provider_starts()
    {
        var table = "Missing" + Guid.NewGuid().ToString("N")[..12];
        var container = "missing-" + Guid.NewGuid().ToString("N")[..12];
        var storage = fixture.CreateStorage(o =>
        {
            o.TableName = table;
            o.ContainerName = container;
        });
        Assert.False(await TableExistsAsync(table));

        await storage.InitializeAsync(CancellationToken.None);

        Assert.True(await TableExistsAsync(table));
        Assert.True((await fixture.Blobs.GetBlobContainerClient(container).ExistsAsync()).Value);
        var grain = NewGrainId();
        var state = new GrainState<StorageTestState>(StorageTestState.Create("large", 1, 100 * 1024));
        await storage.WriteStateAsync(StateName, grain, state);
        var read = new GrainState<StorageTestState>();
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.True(read.State!.IsIntact("large", 1, 100 * 1024));
    }

    [Fact]
    public async Task A_table_deleted_under_a_running_provider_is_reported_as_missing_not_as_a_conflict()
    {
        var table = "Deleted" + Guid.NewGuid().ToString("N")[..12];
        var storage = fixture.CreateStorage(o => o.TableName = table);
        await storage.InitializeAsync(CancellationToken.None);
        var grain = NewGrainId();
        var state = new GrainState<StorageTestState>(StorageTestState.Create("first", 1, SmallPayload));
        await storage.WriteStateAsync(StateName, grain, state);
        await fixture.Tables.DeleteTableAsync(table);

        var error = await Assert.ThrowsAsync<AzureTableGrainStorageException>(() => storage.WriteStateAsync(StateName, grain, state));

        Assert.Contains("does not exist", error.Message);
        Assert.Contains($"table '{table}'", error.Message);
    }

    [Fact]
    public async Task Grain_types_service_ids_and_state_names_with_the_same_key_never_share_a_row()
    {
        var key = "same/key|~" + Guid.NewGuid().ToString("N");
        var typeA = GrainId.Create("storage-a", key);
        var typeB = GrainId.Create("storage-b", key);
        var otherService = fixture.CreateStorage(serviceId: "other_service");

        await WriteAsync(typeA, StorageTestState.Create("a", 1, SmallPayload));
        await WriteAsync(typeB, StorageTestState.Create("b", 2, SmallPayload));
        await otherService.WriteStateAsync(StateName, typeA, new GrainState<StorageTestState>(StorageTestState.Create("other service", 3, SmallPayload)));
        await fixture.Storage.WriteStateAsync("y", typeA, new GrainState<StorageTestState>(StorageTestState.Create("other state", 4, SmallPayload)));

        Assert.True((await ReadAsync(typeA)).State!.IsIntact("a", 1, SmallPayload));
        Assert.True((await ReadAsync(typeB)).State!.IsIntact("b", 2, SmallPayload));
        var fromOtherService = new GrainState<StorageTestState>();
        await otherService.ReadStateAsync(StateName, typeA, fromOtherService);
        Assert.True(fromOtherService.State!.IsIntact("other service", 3, SmallPayload));
        var otherState = new GrainState<StorageTestState>();
        await fixture.Storage.ReadStateAsync("y", typeA, otherState);
        Assert.True(otherState.State!.IsIntact("other state", 4, SmallPayload));
    }

    private static GrainId NewGrainId() => GrainId.Create("storagetest", Guid.NewGuid().ToString("N"));

    private async Task<GrainState<StorageTestState>> WriteAsync(GrainId grain, StorageTestState value)
    {
        var state = new GrainState<StorageTestState>(value);
        await fixture.Storage.WriteStateAsync(StateName, grain, state);
        return state;
    }

    private async Task<GrainState<StorageTestState>> ReadAsync(GrainId grain)
    {
        var state = new GrainState<StorageTestState>();
        await fixture.Storage.ReadStateAsync(StateName, grain, state);
        return state;
    }

    private async Task<bool> RowExistsAsync(GrainId grain)
    {
        var row = await fixture.StateTable.GetEntityIfExistsAsync<TableEntity>(
            StorageNames.PartitionKey(AzureStorageFixture.ServiceId, grain), StorageNames.RowKey(StateName));
        return row.HasValue;
    }

    private async Task<int> CountBlobsAsync(GrainId grain)
    {
        var count = 0;
        var prefix = StorageNames.PartitionKey(AzureStorageFixture.ServiceId, grain) + "/";
        await foreach (var blob in fixture.StateContainer.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
        {
            _ = blob;
            count++;
        }
        return count;
    }

    private async Task<bool> TableExistsAsync(string table)
    {
        await foreach (var item in fixture.Tables.QueryAsync(t => t.Name == table))
        {
            _ = item;
            return true;
        }
        return false;
    }
}
