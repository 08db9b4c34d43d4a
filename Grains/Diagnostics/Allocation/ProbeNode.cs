using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Diagnostics;

/// <summary>
/// One node of a DAG under <see cref="AllocationProbe"/>: its operator, the batches waiting at its input ports, and
/// what its calls allocated. Each call is bracketed alone by <see cref="GC.GetAllocatedBytesForCurrentThread"/>; what
/// the runtime does around it (private copies, handing batches on, releasing them) is outside the bracket, as it is
/// the node's cost, not the operator's.
/// </summary>
internal sealed class ProbeNode
{
    /// <summary>Batches a port holds at most; more are dropped (a lockstep input far ahead of its partner, say), as a full flow-control window would hold them back.</summary>
    private const int MaxQueued = 64;

    private readonly OperatorCatalog _catalog;
    private readonly int _batchSize;
    private readonly Queue<Batch>[] _inputs;
    private readonly List<(ProbeNode Node, int Port)> _consumers = [];
    private readonly OutputBuffer _output;
    private readonly Batch?[] _lockstep = new Batch?[2];
    private readonly int[] _lockstepOffset = new int[2];
    private long _instanceCalls;
    private int _nextPort;
    private AllocationTally? _lastTally;

    public ProbeNode(NodeSpec spec, int inputPorts, int batchSize, OperatorCatalog catalog)
    {
        Spec = spec;
        _catalog = catalog;
        _batchSize = batchSize;
        _inputs = new Queue<Batch>[inputPorts];
        for (var p = 0; p < inputPorts; p++) _inputs[p] = new Queue<Batch>();
        _output = new OutputBuffer(batchSize);
        Operator = Create();
        Budget = AllocationBudget.Of(Operator.GetType(), spec.EffectiveDevice);
    }

    public NodeSpec Spec { get; }

    public DaggerOperator Operator { get; private set; }

    public AllocationBudget Budget { get; }

    /// <summary>Calls after warm-up that were not the first of an operator instance.</summary>
    public AllocationTally Steady { get; } = new();

    /// <summary>Calls after warm-up that were the first of an operator instance (start-up work included).</summary>
    public AllocationTally Startup { get; } = new();

    /// <summary>Every call of the current instance, its first and the warm-up included.</summary>
    public AllocationTally Lifetime { get; } = new();

    /// <summary>Calls made, warm-up included.</summary>
    public long TotalCalls { get; private set; }

    public long MeasuredCalls => Steady.Calls > 0 ? Steady.Calls : Startup.Calls;

    /// <summary>A source that said it is done; it stays done until the next pass.</summary>
    public bool Ended { get; private set; }

    /// <summary>The tally the next call counts in: an instance's first call is start-up, not steady state.</summary>
    private AllocationTally Tally => _instanceCalls == 0 ? Startup : Steady;

    public string Input { get; private set; } = "";

    public string Output { get; private set; } = "";

    public string Role => Operator switch
    {
        SourceOperator => "source",
        LockstepOperator => "lockstep",
        SinkOperator => "sink",
        _ => "transform",
    };

    public void AddConsumer(ProbeNode consumer, int port) => _consumers.Add((consumer, port));

    public void StartMeasuring()
    {
        Steady.Reset();
        Startup.Reset();
    }

    /// <summary>One round: a source produces once; any other node takes every batch waiting at its inputs.</summary>
    public void Run(CallerThreadContext context, bool measuring, CancellationToken cancellation)
    {
        try
        {
            switch (Operator)
            {
                case SourceOperator source: Produce(source, context, measuring, cancellation); break;
                case LockstepOperator lockstep: Combine(lockstep, measuring); break;
                case SinkOperator sink: Consume(sink, context, measuring, cancellation); break;
                case TransformOperator transform: Transform(transform, context, measuring, cancellation); break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            throw new InvalidOperationException($"node '{Spec.Id}' ({Spec.Op}) failed while its allocation was measured: {e.Message}", e);
        }
    }

    private void Produce(SourceOperator source, CallerThreadContext context, bool measuring, CancellationToken cancellation)
    {
        if (Ended) return;
        var tally = Tally;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var more = context.RunUntilCompleted(source.ProduceAsync(_output, cancellation));
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        if (!more)
        {
            _output.Flush();
            Ended = true;
        }
        var (produced, producedBytes) = Deliver(measuring ? tally : null);
        Count(measuring ? tally : null, produced, producedBytes, bytes);
    }

    private void Transform(TransformOperator transform, CallerThreadContext context, bool measuring, CancellationToken cancellation)
    {
        while (TakeNext() is (var port, { } batch))
        {
            if (transform.WritesInput && !batch.IsExclusive)
            {
                // The node's private copy for an operator that writes into its input (NodeGrain does the same).
                var copy = batch.CloneExclusive();
                batch.Release();
                batch = copy;
            }
            var elements = batch.Count;
            var elementBytes = ElementBytes(batch);
            var tally = Tally;
            long bytes;
            try
            {
                NoteInput(batch);
                var before = GC.GetAllocatedBytesForCurrentThread();
                context.RunUntilCompleted(transform.TransformAsync(port, batch, _output, cancellation));
                bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            }
            finally
            {
                batch.Release();
            }
            Deliver(measuring ? tally : null);
            Count(measuring ? tally : null, elements, elementBytes, bytes);
        }
    }

    private void Consume(SinkOperator sink, CallerThreadContext context, bool measuring, CancellationToken cancellation)
    {
        while (TakeNext() is (_, { } batch))
        {
            var elements = batch.Count;
            var elementBytes = ElementBytes(batch);
            var tally = Tally;
            long bytes;
            try
            {
                NoteInput(batch);
                var before = GC.GetAllocatedBytesForCurrentThread();
                context.RunUntilCompleted(sink.ConsumeAsync(batch, cancellation));
                bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            }
            finally
            {
                batch.Release();
            }
            Count(measuring ? tally : null, elements, elementBytes, bytes);
        }
    }

    /// <summary>Element i of each input combines into element i of the output, as NodeGrain's lockstep loop does it.</summary>
    private void Combine(LockstepOperator op, bool measuring)
    {
        while (true)
        {
            for (var p = 0; p < 2; p++)
            {
                while (_lockstep[p] is not { } held || _lockstepOffset[p] >= held.Count)
                {
                    _lockstep[p]?.Release();
                    _lockstep[p] = null;
                    if (!_inputs[p].TryDequeue(out var next)) return;
                    NoteInput(next);
                    _lockstep[p] = next;
                    _lockstepOffset[p] = 0;
                }
            }
            var a = _lockstep[0]!;
            var b = _lockstep[1]!;
            var n = Math.Min(a.Count - _lockstepOffset[0], b.Count - _lockstepOffset[1]);
            var elementBytes = (long)n * (ElementBytes(a) / Math.Max(a.Count, 1) + ElementBytes(b) / Math.Max(b.Count, 1));
            var tally = Tally;
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < n; i++) _output.WriteFloat64(op.Combine(a.GetDouble(_lockstepOffset[0] + i), b.GetDouble(_lockstepOffset[1] + i)));
            _lockstepOffset[0] += n;
            _lockstepOffset[1] += n;
            if (_lockstepOffset[0] >= a.Count || _lockstepOffset[1] >= b.Count) _output.Flush();
            var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            Deliver(measuring ? tally : null);
            Count(measuring ? tally : null, n, elementBytes, bytes);
        }
    }

    private (int Port, Batch? Batch) TakeNext()
    {
        // Ports in turn, like batches arriving on several edges at once.
        for (var tried = 0; tried < _inputs.Length; tried++)
        {
            var port = _nextPort;
            _nextPort = (_nextPort + 1) % _inputs.Length;
            if (_inputs[port].TryDequeue(out var batch)) return (port, batch);
        }
        return (0, null);
    }

    private void Count(AllocationTally? tally, long elements, long elementBytes, long bytes)
    {
        TotalCalls++;
        _instanceCalls++;
        _lastTally = tally;
        Lifetime.Calls++;
        Lifetime.Elements += elements;
        Lifetime.InputBytes += elementBytes;
        Lifetime.Bytes += bytes;
        if (tally is null) return;
        tally.Calls++;
        tally.Elements += elements;
        tally.InputBytes += elementBytes;
        tally.Bytes += bytes;
    }

    /// <summary>Hands the output batches to the consumers (shared, holder-counted, as a fan-out is); returns the elements handed on.</summary>
    private (long Elements, long Bytes) Deliver(AllocationTally? tally)
    {
        long elements = 0, bytes = 0;
        while (_output.HasReady)
        {
            var batch = _output.TakeReady();
            if (!batch.IsExclusive)
            {
                // A forwarded input still shared with a sibling: NodeGrain sends a private copy.
                var copy = batch.CloneExclusive();
                batch.Release();
                batch = copy;
            }
            if (Output.Length == 0) Output = Describe(batch);
            elements += batch.Count;
            bytes += ElementBytes(batch);
            if (tally is not null)
            {
                tally.OutputBatches++;
                tally.OutputElements += batch.Count;
                if (batch.Kind == ElementKind.Record) tally.OutputRecords += batch.Count;
            }
            Lifetime.OutputBatches++;
            Lifetime.OutputElements += batch.Count;
            if (batch.Kind == ElementKind.Record) Lifetime.OutputRecords += batch.Count;
            if (_consumers.Count == 0)
            {
                batch.Release();
                continue;
            }
            batch.AddHolders(_consumers.Count - 1);
            foreach (var (consumer, port) in _consumers) consumer.Enqueue(port, batch);
        }
        return (elements, bytes);
    }

    private static long ElementBytes(Batch batch) =>
        (long)batch.Count * (batch.Kind == ElementKind.Record ? AllocationBudget.RecordBytes : Batch.ElementSize(batch.Kind, batch.Width));

    private void Enqueue(int port, Batch batch)
    {
        var queue = _inputs[port];
        if (queue.Count >= MaxQueued) batch.Release();
        else queue.Enqueue(batch);
    }

    private void NoteInput(Batch batch)
    {
        if (Input.Length == 0) Input = Describe(batch);
    }

    /// <summary>
    /// The end of a pass, once every source is done and this node's inputs are drained: sends on what the operator
    /// still holds in a part-filled batch, as a node does when its inputs end.
    /// </summary>
    public void Finish(bool measuring)
    {
        _output.Flush();
        // What is flushed now was written by the last call.
        Deliver(measuring ? _lastTally : null);
    }

    /// <summary>The next pass, as a new run of the DAG: a fresh operator instance, whose first call is start-up.</summary>
    public void Restart()
    {
        ReleaseAll();
        Operator = Create();
        _instanceCalls = 0;
        _lastTally = null;
        Lifetime.Reset();
        Ended = false;
    }

    /// <summary>Drops every batch this node still holds and disposes of its operator.</summary>
    public void ReleaseAll()
    {
        foreach (var queue in _inputs)
        {
            while (queue.TryDequeue(out var batch)) batch.Release();
        }
        for (var p = 0; p < _lockstep.Length; p++)
        {
            _lockstep[p]?.Release();
            _lockstep[p] = null;
        }
        _output.Flush();
        while (_output.HasReady) _output.TakeReady().Release();
        (Operator as IDisposable)?.Dispose();
    }

    private DaggerOperator Create()
    {
        var instance = _catalog.Create(Spec.Op, Spec.ArgsJson);
        instance.NodeId = Spec.Id;
        instance.BatchSize = _batchSize;
        instance.Device = Spec.EffectiveDevice;
        return instance;
    }

    private static string Describe(Batch batch) => batch.Kind switch
    {
        ElementKind.Complex => $"complex[{batch.Width}]",
        ElementKind.Vector => $"vector[{batch.Width}]",
        ElementKind.Int64 => "int64",
        ElementKind.Float64 => "float64",
        ElementKind.Float32 => "float32",
        _ => "record",
    };
}
