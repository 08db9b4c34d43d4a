using System.Buffers;
using System.Runtime.InteropServices;

namespace Dagger.Orleans.Wire;

/// <summary>
/// What a batch's elements are. <see cref="Vector"/>: a real float32 vector of <see cref="Batch.Width"/> floats.
/// <see cref="Complex"/>: a complex float32 vector of <see cref="Batch.Width"/> samples, interleaved re, im (8 bytes a sample).
/// </summary>
public enum ElementKind : byte { Int64, Float64, Float32, Vector, Record, Complex }

/// <summary>
/// One stream event: a run of elements of one kind plus the edge's sequence number. Numeric elements live in a
/// byte buffer (block-copied across silos, read back with <see cref="MemoryMarshal.Cast{TFrom,TTo}(Span{TFrom})"/>);
/// records in an array. A final batch carries no elements and marks the end of the stream.
/// </summary>
/// <remarks>
/// Between grains of one silo a batch travels by reference (<see cref="BatchCopier"/> does not copy). Whoever
/// holds a batch must not write to it unless <see cref="IsExclusive"/>: a fanned-out batch is shared by every
/// consumer on the silo, and writing into it would change what the others see. <see cref="Release"/> returns
/// pooled buffers. Across silos <see cref="BatchCodec"/> sends only the elements and reads them into a pooled
/// buffer, which then belongs to its receiver alone.
/// <para>The holder count and everything that changes it (<see cref="Release"/>, <see cref="AddHolders"/>, the
/// <c>Adopt…</c> calls, <see cref="CloneExclusive"/>) are internal to the runtime's assemblies (InternalsVisibleTo in
/// Grains.Interfaces.csproj): an operator, built-in or a user's plugin, cannot release or re-own a batch — the compiler
/// refuses it — and so cannot hand a buffer back to the pool while the runtime still passes it on.</para>
/// </remarks>
[Immutable]
public sealed class Batch
{
    public long Sequence { get; set; }
    public ElementKind Kind { get; private set; }
    public int Count { get; set; }
    /// <summary>Floats per element for <see cref="ElementKind.Vector"/>, complex samples per element for <see cref="ElementKind.Complex"/>; 1 otherwise.</summary>
    public int Width { get; private set; } = 1;
    public byte[]? Data { get; private set; }
    public Record[]? Records { get; private set; }
    public bool Final { get; private set; }

    private int _holders;
    private bool _pooled;
    private bool _cacheOwned;

    /// <summary>A batch as <see cref="BatchCodec"/> reads it off the wire: no holder until it arrives (see <see cref="AdoptIfReceivedCopy"/>).</summary>
    internal static Batch Received(long sequence, ElementKind kind, int count, int width, bool final)
    {
        var batch = final ? EndOfStream(sequence) : Rent(kind, Math.Max(count, 1), width);
        batch.Sequence = sequence;
        batch.Count = count;
        batch._holders = 0;
        return batch;
    }

    /// <summary>The bytes of the elements (numeric kinds).</summary>
    internal Span<byte> ElementBytes => Data.AsSpan(0, Count * ElementSize(Kind, Width));

    public static Batch EndOfStream(long sequence) => new() { Sequence = sequence, Final = true };

    /// <summary>A batch with room for <paramref name="capacity"/> elements, its buffer rented from the shared pool.</summary>
    public static Batch Rent(ElementKind kind, int capacity, int width = 1)
    {
        var batch = new Batch { Kind = kind, Width = HasWidth(kind) ? width : 1, _holders = 1 };
        if (kind == ElementKind.Record)
        {
            batch.Records = ArrayPool<Record>.Shared.Rent(capacity);
        }
        else
        {
            batch.Data = ArrayPool<byte>.Shared.Rent(capacity * ElementSize(kind, batch.Width));
        }
        batch._pooled = true;
        return batch;
    }

    public static int ElementSize(ElementKind kind, int width) => kind switch
    {
        ElementKind.Int64 or ElementKind.Float64 => 8,
        ElementKind.Float32 => 4,
        ElementKind.Vector => 4 * width,
        ElementKind.Complex => 8 * width,
        _ => 0,
    };

    /// <summary>True for the vector kinds, whose elements have a width.</summary>
    public static bool HasWidth(ElementKind kind) => kind is ElementKind.Vector or ElementKind.Complex;

    public Span<long> Int64s => MemoryMarshal.Cast<byte, long>(Data.AsSpan())[..Count];
    public Span<double> Float64s => MemoryMarshal.Cast<byte, double>(Data.AsSpan())[..Count];
    /// <summary>Every float of the batch: scalars, vector components, or interleaved re, im of complex samples.</summary>
    public Span<float> Float32s => MemoryMarshal.Cast<byte, float>(Data.AsSpan())[..(Count * ElementSize(Kind, Width) / 4)];
    public Span<Record> RecordSpan => Records.AsSpan(0, Count);

    /// <summary>Element <paramref name="index"/> of a vector batch.</summary>
    public Span<float> Vector(int index) => MemoryMarshal.Cast<byte, float>(Data.AsSpan()).Slice(index * Width, Width);

    /// <summary>Element <paramref name="index"/> of a complex batch: <see cref="Width"/> samples as 2·Width floats, re, im interleaved.</summary>
    public Span<float> ComplexVector(int index) => MemoryMarshal.Cast<byte, float>(Data.AsSpan()).Slice(index * 2 * Width, 2 * Width);

    /// <summary>Element <paramref name="index"/> read as a 64-bit float (int64 and float32 convert; a record gives its value).</summary>
    public double GetDouble(int index) => Kind switch
    {
        ElementKind.Int64 => MemoryMarshal.Cast<byte, long>(Data.AsSpan())[index],
        ElementKind.Float64 => MemoryMarshal.Cast<byte, double>(Data.AsSpan())[index],
        ElementKind.Float32 => MemoryMarshal.Cast<byte, float>(Data.AsSpan())[index],
        ElementKind.Record => Records![index].Value,
        _ => throw new InvalidOperationException($"a {Kind} element is not a single number"),
    };

    /// <summary>Reinterprets an int64 batch as float64 in place (both 8 bytes), converting each element.</summary>
    public void ConvertInt64ToFloat64InPlace()
    {
        var longs = Int64s;
        var doubles = MemoryMarshal.Cast<long, double>(longs);
        for (var i = 0; i < longs.Length; i++) doubles[i] = longs[i];
        Kind = ElementKind.Float64;
    }

    /// <summary>The number of holders; a batch is written only by its sole holder.</summary>
    internal bool IsExclusive => Volatile.Read(ref _holders) <= 1;

    /// <summary>
    /// Called where a batch arrives: a batch that crossed a silo boundary was just deserialized, has no holders yet,
    /// and belongs to its receiver alone.
    /// </summary>
    internal void AdoptIfReceivedCopy() => Interlocked.CompareExchange(ref _holders, 1, 0);

    /// <summary>Adds holders before a batch is handed to more consumers.</summary>
    internal void AddHolders(int count) => Interlocked.Add(ref _holders, count);

    /// <summary>
    /// Called where a batch arrives from a stream provider: the provider's cache holds that very object and may deliver
    /// it again (after a failed delivery), so the cache counts as a holder for good — nobody may write to it (a writer
    /// gets a private copy) and its buffers are never returned to the pool (the cache lets go of it by dropping it).
    /// Every delivery adds the holder its consumer releases.
    /// </summary>
    internal void AdoptFromStreamCache()
    {
        lock (this)
        {
            if (!_cacheOwned)
            {
                _cacheOwned = true;
                _pooled = false;
                // A copy fresh off the wire has no holder yet; the cache is its first.
                if (Volatile.Read(ref _holders) < 1) Volatile.Write(ref _holders, 1);
            }
        }
        Interlocked.Increment(ref _holders);
    }

    /// <summary>Drops one holder; the last one returns the pooled buffers.</summary>
    /// <exception cref="InvalidOperationException">The batch was released more times than it was held: whoever did
    /// that handed on a buffer it no longer owned, and someone may already be writing another batch into it.</exception>
    internal void Release()
    {
        var left = Interlocked.Decrement(ref _holders);
        if (left < 0 && !Final)
            throw new InvalidOperationException($"batch {Sequence} ({Kind}, {Count} elements) was released more times than it was held");
        if (left > 0 || !_pooled) return;
        _pooled = false;
        if (Data is not null) ArrayPool<byte>.Shared.Return(Data);
        if (Records is not null) ArrayPool<Record>.Shared.Return(Records, clearArray: true);
        Data = null;
        Records = null;
    }

    /// <summary>A private copy of the elements from <paramref name="start"/> on (records cloned), same sequence number.</summary>
    public Batch CopyFrom(int start)
    {
        var count = Count - start;
        var copy = Rent(Kind, Math.Max(count, 1), Width);
        copy.Sequence = Sequence;
        copy.Count = count;
        if (Kind == ElementKind.Record)
        {
            var source = RecordSpan[start..];
            for (var i = 0; i < source.Length; i++) copy.Records![i] = source[i].Clone();
        }
        else
        {
            var size = ElementSize(Kind, Width);
            Data.AsSpan(start * size, count * size).CopyTo(copy.Data);
        }
        return copy;
    }

    /// <summary>A private deep copy (records cloned too), for a consumer that writes into its input.</summary>
    internal Batch CloneExclusive()
    {
        var copy = Rent(Kind, Math.Max(Count, 1), Width);
        copy.Sequence = Sequence;
        copy.Count = Count;
        if (Kind == ElementKind.Record)
        {
            var source = RecordSpan;
            for (var i = 0; i < source.Length; i++) copy.Records![i] = source[i].Clone();
        }
        else
        {
            Data.AsSpan(0, Count * ElementSize(Kind, Width)).CopyTo(copy.Data);
        }
        return copy;
    }
}
