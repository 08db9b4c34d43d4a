using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators;

/// <summary>
/// A batch its operator holds alone and may write in place (from <see cref="InputBatch.Writable"/>), then pass on
/// with <see cref="OutputBuffer.Forward(WritableBatch)"/>. Once forwarded the batch is the output's: writing it then
/// throws, as the runtime may already be renumbering or sending it.
/// </summary>
public readonly struct WritableBatch
{
    private readonly Batch _batch;
    private readonly HeldInput? _held;
    private readonly int _call;

    internal WritableBatch(Batch batch, HeldInput? held, int call) => (_batch, _held, _call) = (batch, held, call);

    /// <summary>The batch, still this operator's alone and within its call.</summary>
    private Batch Batch
    {
        get
        {
            var batch = WithinCall;
            if (!batch.IsExclusive)
                throw new InvalidOperationException($"batch {batch.Sequence} was written after it was forwarded: forward a batch once you are done with it");
            return batch;
        }
    }

    /// <summary>The batch, within its call (forwarding checks the rest, naming a double forward as such).</summary>
    internal Batch WithinCall
    {
        get
        {
            if (_batch is null) throw new InvalidOperationException("this WritableBatch holds no batch (a default value)");
            if (_held is { } held && !held.IsCurrent(_call))
                throw new InvalidOperationException($"batch {_batch.Sequence} was used after the operator call it was handed to had returned");
            return _batch;
        }
    }

    public long Sequence => Batch.Sequence;
    public ElementKind Kind => Batch.Kind;
    public int Count => Batch.Count;
    public int Width => Batch.Width;

    public Span<long> Int64s => Batch.Int64s;
    public Span<double> Float64s => Batch.Float64s;
    /// <summary>Every float of the batch: scalars, vector components, or interleaved re, im of complex samples.</summary>
    public Span<float> Float32s => Batch.Float32s;
    public Span<Record> RecordSpan => Batch.RecordSpan;

    public Span<float> Vector(int index) => Batch.Vector(index);

    public Span<float> ComplexVector(int index) => Batch.ComplexVector(index);

    /// <summary>Reinterprets an int64 batch as float64 in place (both 8 bytes), converting each element.</summary>
    public void ConvertInt64ToFloat64InPlace() => Batch.ConvertInt64ToFloat64InPlace();
}
