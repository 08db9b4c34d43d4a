using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators;

/// <summary>
/// What a transform or a sink receives: a read-only view of an input batch, valid for the operator call it was handed
/// to. The batch may be shared (fan-out to siblings, a stream provider's cache), so the view offers no way to write into
/// it; an operator that computes in place asks for <see cref="Writable"/>, which copies only when the batch is shared.
/// </summary>
/// <remarks>
/// Records come as <see cref="RecordView"/>s (a <see cref="Record"/> has setters; a view has none). A view kept after
/// its call returned throws <see cref="InvalidOperationException"/>.
/// </remarks>
public readonly struct InputBatch
{
    private readonly HeldInput? _held;
    private readonly int _call;
    private readonly Batch? _detached;

    internal InputBatch(HeldInput held, int call) => (_held, _call) = (held, call);

    private InputBatch(Batch detached) => _detached = detached;

    /// <summary>A view of a batch the caller owns and keeps (a test or a benchmark calling an operator directly).</summary>
    public static implicit operator InputBatch(Batch batch) => new(batch);

    internal Batch Batch => _held is { } held ? held.Get(_call)
        : _detached ?? throw new InvalidOperationException("this InputBatch views no batch (a default value)");

    public long Sequence => Batch.Sequence;
    public ElementKind Kind => Batch.Kind;
    public int Count => Batch.Count;
    /// <summary>Floats per element for <see cref="ElementKind.Vector"/>, complex samples per element for <see cref="ElementKind.Complex"/>; 1 otherwise.</summary>
    public int Width => Batch.Width;

    public ReadOnlySpan<long> Int64s => Batch.Int64s;
    public ReadOnlySpan<double> Float64s => Batch.Float64s;
    /// <summary>Every float of the batch: scalars, vector components, or interleaved re, im of complex samples.</summary>
    public ReadOnlySpan<float> Float32s => Batch.Float32s;
    public RecordViews Records => new(Batch.RecordSpan);

    /// <summary>The elements' bytes as they lie in memory (numeric kinds), e.g. to hand to a socket within the call.</summary>
    public ReadOnlyMemory<byte> ElementMemory => Batch.Data.AsMemory(0, Count * Batch.ElementSize(Kind, Width));

    /// <summary>Element <paramref name="index"/> of a vector batch.</summary>
    public ReadOnlySpan<float> Vector(int index) => Batch.Vector(index);

    /// <summary>Element <paramref name="index"/> of a complex batch: <see cref="Width"/> samples as 2·Width floats, re, im interleaved.</summary>
    public ReadOnlySpan<float> ComplexVector(int index) => Batch.ComplexVector(index);

    /// <summary>Element <paramref name="index"/> read as a 64-bit float (int64 and float32 convert; a record gives its value).</summary>
    public double GetDouble(int index) => Batch.GetDouble(index);

    /// <summary>
    /// This batch, to write in place and then forward: the very batch when this node holds it alone, otherwise a private
    /// copy (records cloned), which from then on is what this view shows too. Copying is the runtime's business; an
    /// operator that only reads never pays for it.
    /// </summary>
    public WritableBatch Writable()
    {
        if (_held is { } held) return new WritableBatch(held.Own(_call), held, _call);
        var batch = _detached ?? throw new InvalidOperationException("this InputBatch views no batch (a default value)");
        return new WritableBatch(batch.IsExclusive ? batch : batch.CloneExclusive(), null, 0);
    }
}
