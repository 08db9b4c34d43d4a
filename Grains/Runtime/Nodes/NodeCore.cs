using System.Runtime.CompilerServices;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// What a node does to batches, without knowing where they come from or go: the operator calls, the input held for the length of
/// each call (where an operator that writes into a shared input gets its private copy), and the stamping of what it emits (a private batch, cut at
/// <c>max_evals</c>, numbered, counted). The node grain drives it between its inbox and its edge writers; <c>dagger
/// alloc</c>'s <see cref="Diagnostics.ProbeNode"/> drives the same steps between plain queues, so what it measures is
/// what a running node does.
/// </summary>
/// <remarks>
/// Ownership: a batch handed to <see cref="ProcessAsync"/> belongs to the core, which releases it; a batch from
/// <see cref="NextToEmit"/> belongs to the caller, who hands it on or releases it.
/// </remarks>
internal sealed class NodeCore(DaggerOperator op, int batchSize, long? maxEvals, NodeLifecycle life)
{
    public DaggerOperator Operator { get; } = op;

    public OutputBuffer Output { get; } = new(batchSize);

    /// <summary>Elements emitted (and, for a node that stops at <c>max_evals</c>, counted against it).</summary>
    public long Emitted { get; set; }

    /// <summary>Elements taken in.</summary>
    public long Received { get; set; }

    /// <summary>The sequence number of the next batch out, end of stream included.</summary>
    public long NextSequence { get; set; }

    /// <summary>A source's operator call: false once it is done (what it wrote then is flushed).</summary>
    public async ValueTask<bool> ProduceAsync(CancellationToken stop)
    {
        var more = await ((SourceOperator)Operator).ProduceAsync(Output, stop);
        if (!more) Output.Flush();
        return more;
    }

    /// <summary>The input batch of the operator call under way; copy-on-write happens there, when the operator asks.</summary>
    public HeldInput Input { get; } = new();

    /// <summary>One input batch through the operator (a sink's or a transform's); the batch is released afterwards.</summary>
    // Runs once per batch: the state machine comes from a pool instead of the heap when it has to wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ProcessAsync(int port, Batch batch, CancellationToken cancellation)
    {
        var input = Input.Hold(batch);
        try
        {
            await InvokeAsync(port, input, cancellation);
        }
        finally
        {
            Input.Release();
        }
    }

    /// <summary>The operator call alone (the batch stays <see cref="Input"/>'s): a sink consumes it, a transform writes to <see cref="Output"/>.</summary>
    public ValueTask InvokeAsync(int port, InputBatch input, CancellationToken cancellation)
    {
        Received += input.Count;
        if (Operator is SinkOperator sink) return sink.ConsumeAsync(input, cancellation);
        return ((TransformOperator)Operator).TransformAsync(port, input, Output, cancellation);
    }

    /// <summary>A lockstep node's input batch, counted as taken in and handed to its join (which holds it from then on).</summary>
    public void OfferLockstep(LockstepJoin join, int port, Batch batch)
    {
        Received += batch.Count;
        join.Offer(port, batch);
    }

    /// <summary>
    /// The next batch ready to go out, stamped: a private batch (a forwarded input still shared with a sibling is copied,
    /// as renumbering it would change what the sibling holds), cut at <c>max_evals</c>, numbered and counted. Null when
    /// none is ready; what is written after the limit was reached is dropped.
    /// </summary>
    public Batch? NextToEmit()
    {
        while (Output.HasReady)
        {
            var batch = Output.TakeReady();
            if (life.LimitReached)
            {
                batch.Release();
                continue;
            }
            if (!batch.IsExclusive)
            {
                var copy = batch.CloneExclusive();
                batch.Release();
                batch = copy;
            }
            if (maxEvals is { } max && batch.Count >= max - Emitted)
            {
                batch.Count = (int)(max - Emitted);
                life.ReachLimit();
            }
            batch.Sequence = NextSequence++;
            Emitted += batch.Count;
            return batch;
        }
        return null;
    }

    /// <summary>The edge's end, numbered after the last batch.</summary>
    public Batch EndOfStream() => Batch.EndOfStream(NextSequence++);
}
