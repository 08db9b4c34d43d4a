using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The producer side of one edge: <see cref="MemoryEdgeWriter"/> (a silo-local inbox or windowed grain calls) or
/// <see cref="StreamEdgeWriter"/> (an Orleans persistent stream on a broker). Used only from the producer's
/// activation. A batch handed to <see cref="SendAsync"/> belongs to the writer from then on.
/// </summary>
internal abstract class EdgeWriter(OutputEdge edge)
{
    public OutputEdge Edge { get; } = edge;

    /// <summary>True once the consumer said it needs nothing more.</summary>
    public abstract bool Closed { get; set; }

    /// <summary>Sends a batch on; waits while the edge's window is full (that is the backpressure).</summary>
    public abstract ValueTask SendAsync(Batch batch);

    /// <summary>Completes once everything sent has reached the consumer (or, on a broker, is stored there).</summary>
    public abstract Task DrainAsync();

    /// <summary>
    /// The end of the edge: completes once the consumer has everything up to <paramref name="lastSequence"/>. On a
    /// broker that is more than stored: a batch the broker lost is sent again.
    /// </summary>
    public virtual Task CompleteAsync(long lastSequence) => DrainAsync();
}
