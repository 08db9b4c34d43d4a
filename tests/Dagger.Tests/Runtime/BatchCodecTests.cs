using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Xunit;

namespace Dagger.Orleans.Tests.Runtime;

/// <summary>A batch as it crosses a silo boundary: only its elements travel, and the copy is its receiver's own.</summary>
public sealed class BatchCodecTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static Batch RoundTrip(Batch batch, out int wireBytes)
    {
        var bytes = Serializer.SerializeToArray(batch);
        wireBytes = bytes.Length;
        var copy = Serializer.Deserialize<Batch>(bytes)!;
        copy.AdoptIfReceivedCopy();
        return copy;
    }

    [Fact]
    public void An_int64_batch_sends_only_its_elements_and_arrives_as_a_private_copy()
    {
        var batch = Batch.Rent(ElementKind.Int64, 1024);
        batch.Count = 3;
        batch.Int64s[0] = -1;
        batch.Int64s[1] = long.MaxValue;
        batch.Int64s[2] = 42;
        batch.Sequence = 77;
        batch.AddHolders(1);

        var copy = RoundTrip(batch, out var wireBytes);

        Assert.NotSame(batch, copy);
        Assert.Equal(77, copy.Sequence);
        Assert.Equal(ElementKind.Int64, copy.Kind);
        Assert.Equal([-1L, long.MaxValue, 42L], copy.Int64s.ToArray());
        Assert.True(wireBytes < 64, $"3 elements took {wireBytes} bytes on the wire: the unused buffer was sent too");
        Assert.True(copy.IsExclusive);
        Assert.False(batch.IsExclusive);
    }

    [Fact]
    public void Vectors_float32_and_float64_batches_arrive_unchanged()
    {
        var vectors = Batch.Rent(ElementKind.Vector, 4, width: 3);
        vectors.Count = 2;
        new float[] { 1, 2, 3, -4.5f, float.NaN, float.PositiveInfinity }.CopyTo(vectors.Float32s);
        var doubles = Batch.Rent(ElementKind.Float64, 4);
        doubles.Count = 2;
        doubles.Float64s[0] = Math.PI;
        doubles.Float64s[1] = -0.0;

        var v = RoundTrip(vectors, out _);
        var d = RoundTrip(doubles, out _);

        Assert.Equal(3, v.Width);
        Assert.Equal([1, 2, 3, -4.5f, float.NaN, float.PositiveInfinity], v.Float32s.ToArray());
        Assert.Equal([Math.PI, -0.0], d.Float64s.ToArray());
    }

    [Fact]
    public void Records_arrive_with_their_labels_null_empty_and_unicode_alike()
    {
        var batch = Batch.Rent(ElementKind.Record, 4);
        batch.Count = 3;
        batch.Records![0] = new Wire.Record { Key = 1, Value = 1.5, Label = null };
        batch.Records[1] = new Wire.Record { Key = 2, Value = -2, Label = "" };
        batch.Records[2] = new Wire.Record { Key = 3, Value = 3, Label = "Ünïcødé ✓" };

        var copy = RoundTrip(batch, out _);

        Assert.Equal([(1L, 1.5, (string?)null), (2L, -2.0, ""), (3L, 3.0, "Ünïcødé ✓")],
            copy.RecordSpan.ToArray().Select(r => (r.Key, r.Value, r.Label)));
        Assert.NotSame(batch.Records[2], copy.Records![2]);
    }

    [Fact]
    public void An_end_of_stream_batch_arrives_final_and_empty()
    {
        var copy = RoundTrip(Batch.EndOfStream(9), out _);

        Assert.True(copy.Final);
        Assert.Equal(9, copy.Sequence);
        Assert.Equal(0, copy.Count);
    }

    [Fact]
    public void Within_a_silo_a_batch_is_not_copied()
    {
        var batch = Batch.Rent(ElementKind.Float32, 8);

        Assert.Same(batch, new BatchCopier().DeepCopy(batch, null!));
    }

    [Theory]
    [InlineData(int.MaxValue, 1)]
    [InlineData(1 << 20, 1 << 20)]
    [InlineData(1000, 1)]
    public void A_wire_batch_whose_header_declares_more_than_it_carries_is_refused_without_allocating(int count, int width)
    {
        var batch = Batch.Rent(ElementKind.Vector, 4, width: 1);
        batch.Count = 2;
        var bytes = Serializer.SerializeToArray(batch);
        // The header follows the field header and the length; find it by the sequence and kind bytes we wrote.
        var header = FindHeader(bytes, batch);
        BitConverter.TryWriteBytes(bytes.AsSpan(header + 9), count);
        BitConverter.TryWriteBytes(bytes.AsSpan(header + 13), width);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var refused = Assert.ThrowsAny<Exception>(() => Serializer.Deserialize<Batch>(bytes));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("corrupt", (refused.InnerException ?? refused).Message + refused.Message, StringComparison.Ordinal);
        Assert.True(allocated < 256 * 1024, $"refusing the batch allocated {allocated} bytes");
    }

    [Fact]
    public void A_batch_released_more_times_than_it_was_held_throws()
    {
        var batch = Batch.Rent(ElementKind.Float64, 16);
        batch.AddHolders(1);
        batch.Release();
        batch.Release();

        var twice = Assert.Throws<InvalidOperationException>(batch.Release);
        Assert.Contains("released more times than it was held", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_from_a_stream_cache_is_never_exclusive_and_survives_its_consumers_release()
    {
        var batch = Batch.Rent(ElementKind.Float64, 16);
        batch.Count = 2;
        batch.Float64s[0] = 1.5;
        var cached = RoundTripUnadopted(batch);

        // Delivered, released by its consumer, delivered again after a failed delivery: the same elements each time.
        cached.AdoptFromStreamCache();
        Assert.False(cached.IsExclusive);
        cached.Release();
        cached.AdoptFromStreamCache();

        Assert.False(cached.IsExclusive);
        Assert.Equal(1.5, cached.Float64s[0]);
        cached.Release();
        Assert.NotNull(cached.Data);
    }

    private static Batch RoundTripUnadopted(Batch batch) => Serializer.Deserialize<Batch>(Serializer.SerializeToArray(batch))!;

    private static int FindHeader(byte[] bytes, Batch batch)
    {
        for (var i = 0; i + 18 <= bytes.Length; i++)
        {
            if (BitConverter.ToInt64(bytes, i) == batch.Sequence && bytes[i + 8] == (byte)batch.Kind && BitConverter.ToInt32(bytes, i + 9) == batch.Count) return i;
        }
        throw new InvalidOperationException("the batch header was not found in its serialized form");
    }
}
