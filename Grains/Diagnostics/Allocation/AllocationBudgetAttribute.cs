namespace Dagger.Orleans.Diagnostics;

/// <summary>
/// The steady-state allocation an operator is allowed, declared next to its <c>[Operator]</c> attribute. Without it an
/// operator's budget is zero bytes per element: the only allocation it may make is the <see cref="Wire.Batch"/> object
/// of each output batch it starts (see <see cref="AllocationBudget.BatchShellBytes"/>). <c>dagger alloc</c> and the
/// budget tests compare what <see cref="AllocationProbe"/> measures against it.
/// </summary>
/// <remarks>
/// Keep a budget tight and say why in <see cref="Reason"/>: it is printed next to the numbers. Prefer pooling or reusing
/// a buffer over granting a budget.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class AllocationBudgetAttribute(double bytesPerElement = 0) : Attribute
{
    /// <summary>Bytes per element taken in (a source: per element produced; a lockstep operator: per element combined).</summary>
    public double BytesPerElement { get; } = bytesPerElement;

    /// <summary>Bytes per record written out: a record is an object, so an operator that writes new ones allocates each.</summary>
    public double BytesPerOutputRecord { get; init; }

    /// <summary>Bytes per call: per input batch of a transform or sink, per <c>ProduceAsync</c> call of a source.</summary>
    public double BytesPerBatch { get; init; }

    /// <summary>
    /// Bytes per byte of the elements taken in (<see cref="Wire.Batch.ElementSize"/>; a record counts as its object), for
    /// an operator that keeps a copy of what it is given: 1 allows one copy.
    /// </summary>
    public double BytesPerInputByte { get; init; }

    /// <summary>
    /// The device this budget is for: null for every node of the operator; <c>"gpu"</c> for nodes that run its
    /// accelerator path (device <c>gpu</c> or <c>any</c>), which then take this budget instead.
    /// </summary>
    public string? Device { get; init; }

    /// <summary>
    /// For an operator that keeps what it is given (a sink whose result is the elements): its collections grow by
    /// doubling, so the bytes of a window of calls depend on whether a doubling falls in it. Such a node is judged over
    /// its instance's whole life instead, where the doublings amortise.
    /// </summary>
    public bool Amortised { get; init; }

    /// <summary>Why the operator cannot do with zero; shown with the budget.</summary>
    public string Reason { get; init; } = "";
}
