using Dagger.Orleans.Runtime.Durability;
using Orleans.Runtime;
using Orleans.Storage;
using Xunit;

namespace Dagger.Orleans.Tests.Storage;

/// <summary>
/// A durable record (a run's, a node's checkpoint) on the official Orleans Azure providers, blob (runs) and table
/// (checkpoints): a stale writer fails and never overwrites; a large run record round-trips; a record of another format is refused.
/// </summary>
public sealed class DurableRecordTests(AzureStorageFixture fixture) : IClassFixture<AzureStorageFixture>
{
    private DurableRecord<string[]> Record(string storage, GrainId grain) =>
        DurableRecord<string[]>.In(fixture.Services, storage, "checkpoint", grain);

    private static GrainId NewGrainId() => GrainId.Create("test", Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(AzureStorageFixture.RunStorage)]
    [InlineData(AzureStorageFixture.CheckpointStorage)]
    public async Task A_writer_whose_record_was_written_by_a_newer_activation_fails_and_the_newer_record_stays(string storage)
    {
        var grain = NewGrainId();
        var old = Record(storage, grain);
        await old.SaveAsync(["old 1"]);
        // A new activation takes over: it reads the record (as a resumed node reads its checkpoint) and writes on.
        var successor = Record(storage, grain);
        Assert.Equal(["old 1"], (await successor.ReadAsync())!);
        await successor.SaveAsync(["new 1"]);

        var stale = await Assert.ThrowsAsync<StaleRecordException>(() => old.SaveAsync(["old 2"]));

        Assert.Contains("stale", stale.Message, StringComparison.Ordinal);
        Assert.Equal(["new 1"], (await Record(storage, grain).ReadAsync())!);
    }

    [Theory]
    [InlineData(AzureStorageFixture.RunStorage)]
    [InlineData(AzureStorageFixture.CheckpointStorage)]
    public async Task A_first_write_of_an_activation_that_never_read_takes_the_stored_etag_and_a_later_stale_write_fails(string storage)
    {
        var grain = NewGrainId();
        var earlier = Record(storage, grain);
        await earlier.SaveAsync(["earlier"]);

        var fresh = Record(storage, grain);
        await fresh.SaveAsync(["fresh"]);

        Assert.Equal(["fresh"], (await Record(storage, grain).ReadAsync())!);
        await Assert.ThrowsAsync<StaleRecordException>(() => earlier.SaveAsync(["earlier again"]));
        Assert.Equal(["fresh"], (await Record(storage, grain).ReadAsync())!);
    }

    [Theory]
    [InlineData(AzureStorageFixture.RunStorage)]
    [InlineData(AzureStorageFixture.CheckpointStorage)]
    public async Task A_write_to_a_record_that_vanished_fails_saying_it_is_gone_not_stale_and_writes_nothing(string storage)
    {
        var grain = NewGrainId();
        var writer = Record(storage, grain);
        await writer.SaveAsync(["written"]);
        // The storage loses it behind the writer's back (a table dropped, a service restarted without its data).
        var raw = fixture.Storage(storage);
        var stored = new GrainState<StoredRecord<string[]>>(new StoredRecord<string[]>());
        await raw.ReadStateAsync("checkpoint", grain, stored);
        await raw.ClearStateAsync("checkpoint", grain, stored);

        var gone = await Assert.ThrowsAsync<DurableStateException>(() => writer.SaveAsync(["again"]));

        Assert.Contains("is gone", gone.Message, StringComparison.Ordinal);
        Assert.Contains($"grain storage '{storage}'", gone.Message, StringComparison.Ordinal);
        Assert.Null(await Record(storage, grain).ReadAsync());
    }

    [Theory]
    [InlineData(AzureStorageFixture.RunStorage)]
    [InlineData(AzureStorageFixture.CheckpointStorage)]
    public async Task A_cleared_record_reads_as_none_and_can_be_written_again(string storage)
    {
        var grain = NewGrainId();
        var record = Record(storage, grain);
        await record.SaveAsync(["x"]);
        await record.ClearAsync();

        Assert.Null(await Record(storage, grain).ReadAsync());
        await Record(storage, grain).SaveAsync(["y"]);
        Assert.Equal(["y"], (await Record(storage, grain).ReadAsync())!);
    }

    [Fact]
    public async Task A_run_record_of_8_MiB_is_stored_in_a_blob_and_read_back_whole()
    {
        var grain = NewGrainId();
        var big = Enumerable.Range(0, 8 * 1024).Select(i => new string((char)('a' + i % 26), 1024)).ToArray();

        await Record(AzureStorageFixture.RunStorage, grain).SaveAsync(big);

        Assert.Equal(big, (await Record(AzureStorageFixture.RunStorage, grain).ReadAsync())!);
    }

    [Fact]
    public async Task A_record_written_in_another_format_is_refused_naming_the_format_and_left_as_it_is()
    {
        var grain = NewGrainId();
        var storage = fixture.Storage(AzureStorageFixture.RunStorage);
        var future = new GrainState<StoredRecord<string[]>>(new StoredRecord<string[]> { Format = StoredRecord<string[]>.CurrentFormat + 1, Value = ["from the future"] });
        await storage.WriteStateAsync("checkpoint", grain, future);

        var refused = await Assert.ThrowsAsync<DurableStateException>(() => Record(AzureStorageFixture.RunStorage, grain).ReadAsync());

        Assert.Contains($"record format {StoredRecord<string[]>.CurrentFormat + 1}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("grain storage 'dagger'", refused.Message, StringComparison.Ordinal);
        var stored = new GrainState<StoredRecord<string[]>>(new StoredRecord<string[]>());
        await storage.ReadStateAsync("checkpoint", grain, stored);
        Assert.Equal(["from the future"], stored.State!.Value!);
    }
}
