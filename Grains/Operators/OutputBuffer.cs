using System.Runtime.InteropServices;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators;

/// <summary>
/// Where an operator writes its output. Elements collect into pooled batches of the node's batch size; the node
/// sends each full batch on. A batch an operator received may be passed on whole with <see cref="Forward(InputBatch)"/>.
/// </summary>
public sealed class OutputBuffer
{
    private readonly Queue<Batch> _ready = new();
    private Batch? _current;

    public OutputBuffer(int batchSize) => BatchSize = batchSize;

    public int BatchSize { get; }

    internal bool HasReady => _ready.Count > 0;

    internal Batch TakeReady() => _ready.Dequeue();

    /// <summary>
    /// Passes an input on unchanged (after what was written before it), without a copy: the runtime copies it before it
    /// renumbers or cuts it if someone else still holds it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The batch is already waiting to go out.</exception>
    public void Forward(InputBatch batch) => Enqueue(batch.Batch);

    /// <summary>
    /// Passes on a batch written in place (after what was written before it). Forwarding hands the batch to the output:
    /// the runtime may renumber or cut it before it goes out, so writing it afterwards throws.
    /// </summary>
    /// <exception cref="InvalidOperationException">The batch is already waiting to go out: forwarding it again would
    /// send one buffer twice under two sequence numbers.</exception>
    public void Forward(WritableBatch batch) => Enqueue(batch.WithinCall);

    private void Enqueue(Batch batch)
    {
        Flush();
        if (batch.Count == 0) return;
        // Queue.Contains compares references here (Batch has no Equals) and allocates nothing; the queue holds a few batches.
        if (_ready.Contains(batch))
            throw new InvalidOperationException($"batch {batch.Sequence} ({batch.Kind}, {batch.Count} elements) was forwarded twice; forward a batch once");
        batch.AddHolders(1);
        _ready.Enqueue(batch);
    }

    public void WriteInt64(long value)
    {
        var b = Current(ElementKind.Int64, 1);
        MemoryMarshal.Cast<byte, long>(b.Data.AsSpan())[b.Count++] = value;
        FlushIfFull(b);
    }

    public void WriteFloat64(double value)
    {
        var b = Current(ElementKind.Float64, 1);
        MemoryMarshal.Cast<byte, double>(b.Data.AsSpan())[b.Count++] = value;
        FlushIfFull(b);
    }

    public void WriteFloat32(float value)
    {
        var b = Current(ElementKind.Float32, 1);
        MemoryMarshal.Cast<byte, float>(b.Data.AsSpan())[b.Count++] = value;
        FlushIfFull(b);
    }

    public void WriteVector(ReadOnlySpan<float> vector)
    {
        var b = Current(ElementKind.Vector, vector.Length);
        vector.CopyTo(b.Vector(b.Count++));
        FlushIfFull(b);
    }

    /// <summary>
    /// Room for up to <paramref name="max"/> scalar elements (<c>long</c>, <c>double</c> or <c>float</c>) in the current
    /// batch, to fill in place and then <see cref="Advance"/>: no call per element.
    /// </summary>
    public Span<T> Next<T>(int max) where T : unmanaged
    {
        var kind = typeof(T) == typeof(long) ? ElementKind.Int64
            : typeof(T) == typeof(double) ? ElementKind.Float64
            : typeof(T) == typeof(float) ? ElementKind.Float32
            : throw new NotSupportedException($"{typeof(T).Name} is not a scalar element type (long, double or float)");
        var b = Current(kind, 1);
        var n = Math.Min(max, BatchSize - b.Count);
        return MemoryMarshal.Cast<byte, T>(b.Data.AsSpan()).Slice(b.Count, n);
    }

    /// <summary>Commits <paramref name="count"/> elements written into the span from the last <see cref="Next{T}"/> call.</summary>
    public void Advance(int count)
    {
        var b = _current ?? throw new InvalidOperationException("Advance without a Next call before it");
        if (count < 0 || b.Count + count > BatchSize) throw new ArgumentOutOfRangeException(nameof(count));
        b.Count += count;
        FlushIfFull(b);
    }

    /// <summary>Room for the next complex vector element of <paramref name="samples"/> samples (2·samples floats, re, im
    /// interleaved), written in place; the width is fixed per batch.</summary>
    public Span<float> NextComplex(int samples)
    {
        var b = Current(ElementKind.Complex, samples);
        var span = b.ComplexVector(b.Count++);
        FlushIfFull(b);
        return span;
    }

    /// <summary>Room for the next vector element, written in place (no copy); width is fixed per batch.</summary>
    public Span<float> NextVector(int width)
    {
        var b = Current(ElementKind.Vector, width);
        var span = b.Vector(b.Count++);
        FlushIfFull(b);
        return span;
    }

    public void WriteRecord(Record record)
    {
        var b = Current(ElementKind.Record, 1);
        b.Records![b.Count++] = record;
        FlushIfFull(b);
    }

    /// <summary>Sends what has been written so far as a (possibly short) batch.</summary>
    public void Flush()
    {
        if (_current is null) return;
        if (_current.Count > 0) _ready.Enqueue(_current);
        else _current.Release();
        _current = null;
    }

    internal void Discard()
    {
        _current?.Release();
        _current = null;
        while (_ready.Count > 0) _ready.Dequeue().Release();
    }

    private Batch Current(ElementKind kind, int width)
    {
        if (_current is { } c && c.Kind == kind && c.Width == (Batch.HasWidth(kind) ? width : 1)) return c;
        Flush();
        return _current = Batch.Rent(kind, Capacity(kind, width), width);
    }

    /// <summary>
    /// Elements per batch: the batch size, but batches of wide vectors stop at <see cref="MaxVectorBatchBytes"/>
    /// (at least one element) so a batch of long pulses stays a sensible message.
    /// </summary>
    private int Capacity(ElementKind kind, int width)
    {
        if (!Batch.HasWidth(kind)) return BatchSize;
        var perElement = Batch.ElementSize(kind, width);
        return Math.Clamp(MaxVectorBatchBytes / perElement, 1, BatchSize);
    }

    /// <summary>The most bytes a batch of vector elements collects before it is sent.</summary>
    public const int MaxVectorBatchBytes = 1 << 20;

    private void FlushIfFull(Batch b)
    {
        if (b.Count >= BatchSize || (Batch.HasWidth(b.Kind) && b.Count >= Capacity(b.Kind, b.Width))) Flush();
    }
}
