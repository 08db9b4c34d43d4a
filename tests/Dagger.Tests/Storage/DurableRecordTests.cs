using Dagger.Orleans.Runtime.Durability;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Xunit;

namespace Dagger.Orleans.Tests.Storage;

/// <summary>A durable record (a run's, a node's checkpoint) on real table storage: a stale writer fails, it never overwrites.</summary>
public sealed class DurableRecordTests(AzureStorageFixture fixture) : IClassFixture<AzureStorageFixture>
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private DurableRecord<string[]> Record(GrainId grain) => new(fixture.Storage, "azure", Serializer, "checkpoint", grain);

    private static GrainId NewGrainId() => GrainId.Create("test", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_writer_whose_record_was_written_by_a_newer_activation_fails_and_the_newer_record_stays()
    {
        var grain = NewGrainId();
        var old = Record(grain);
        await old.SaveAsync(["old 1"]);
        // A new activation takes over: it reads the record (as a resumed node reads its checkpoint) and writes on.
        var successor = Record(grain);
        Assert.Equal(["old 1"], (await successor.ReadAsync())!);
        await successor.SaveAsync(["new 1"]);

        var stale = await Assert.ThrowsAsync<StaleRecordException>(() => old.SaveAsync(["old 2"]));

        Assert.Contains("stale", stale.Message, StringComparison.Ordinal);
        Assert.Equal(["new 1"], (await Record(grain).ReadAsync())!);
    }

    [Fact]
    public async Task A_first_write_of_an_activation_that_never_read_takes_the_stored_etag_and_a_later_stale_write_fails()
    {
        var grain = NewGrainId();
        var earlier = Record(grain);
        await earlier.SaveAsync(["earlier"]);

        var fresh = Record(grain);
        await fresh.SaveAsync(["fresh"]);

        Assert.Equal(["fresh"], (await Record(grain).ReadAsync())!);
        await Assert.ThrowsAsync<StaleRecordException>(() => earlier.SaveAsync(["earlier again"]));
        Assert.Equal(["fresh"], (await Record(grain).ReadAsync())!);
    }
}
