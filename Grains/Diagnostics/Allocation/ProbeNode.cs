using Dagger.Orleans.Operators;
using Dagger.Orleans.Runtime;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Diagnostics;

/// <summary>
/// One node of a DAG under <see cref="AllocationProbe"/>: its <see cref="NodeCore"/> (the operator and the steps a
/// running node takes around it), the batches waiting at its input ports, and what its calls allocated. Rounds run on
/// the measuring thread instead of a grain's pump; each operator call is bracketed alone by
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>; what the core does around it (private copies, stamping what goes
/// out, releasing) is outside the bracket, as it is the node's cost, not the operator's.
/// </summary>
internal sealed class ProbeNode
{
    /// <summary>Batches a port holds at most; more are dropped (a lockstep input far ahead of its partner, say), as a full flow-control window would hold them back.</summary>
    private const int MaxQueued = 64;

    private readonly OperatorCatalog _catalog;
    private readonly int _batchSize;
    private readonly Queue<Batch>[] _inputs;
    private readonly List<(ProbeNode Node, int Port)> _consumers = [];
    private readonly long[] _lockstepElementBytes = new long[2];
    private NodeCore _core;
    private LockstepJoin? _join;
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
        _core = Create(out _join);
        Budget = AllocationBudget.Of(Operator.GetType(), spec.EffectiveDevice);
    }

    public NodeSpec Spec { get; }

    public DaggerOperator Operator => _core.Operator;

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
                case SourceOperator: Produce(context, measuring, cancellation); break;
                case LockstepOperator: Combine(measuring); break;
                default: Process(context, measuring, cancellation); break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            throw new InvalidOperationException($"node '{Spec.Id}' ({Spec.Op}) failed while its allocation was measured: {e.Message}", e);
        }
    }

    private void Produce(CallerThreadContext context, bool measuring, CancellationToken cancellation)
    {
        if (Ended) return;
        var tally = Tally;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var more = context.RunUntilCompleted(_core.ProduceAsync(cancellation));
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        if (!more) Ended = true;
        var (produced, producedBytes) = Deliver(measuring ? tally : null);
        Count(measuring ? tally : null, produced, producedBytes, bytes);
    }

    /// <summary>A transform or a sink: every batch waiting at its inputs, through the core, one operator call each.</summary>
    private void Process(CallerThreadContext context, bool measuring, CancellationToken cancellation)
    {
        while (TakeNext() is (var port, { } input))
        {
            var elements = input.Count;
            var elementBytes = ElementBytes(input);
            var tally = Tally;
            long bytes;
            NoteInput(input);
            var held = _core.Input.Hold(input);
            try
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                context.RunUntilCompleted(_core.InvokeAsync(port, held, cancellation));
                bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            }
            finally
            {
                _core.Input.Release();
            }
            Deliver(measuring ? tally : null);
            Count(measuring ? tally : null, elements, elementBytes, bytes);
        }
    }

    /// <summary>Element i of each input combines into element i of the output, by the join a running lockstep node uses.</summary>
    private void Combine(bool measuring)
    {
        var join = _join!;
        while (true)
        {
            while (join.NeededPort() is { } p)
            {
                if (!_inputs[p].TryDequeue(out var next)) return;
                NoteInput(next);
                _lockstepElementBytes[p] = ElementBytes(next) / Math.Max(next.Count, 1);
                _core.OfferLockstep(join, p, next);
            }
            var tally = Tally;
            var before = GC.GetAllocatedBytesForCurrentThread();
            var n = join.CombineInto(_core.Output);
            var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            Deliver(measuring ? tally : null);
            Count(measuring ? tally : null, n, n * (_lockstepElementBytes[0] + _lockstepElementBytes[1]), bytes);
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
        while (_core.NextToEmit() is { } batch)
        {
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
        _core.Output.Flush();
        // What is flushed now was written by the last call.
        Deliver(measuring ? _lastTally : null);
    }

    /// <summary>The next pass, as a new run of the DAG: a fresh operator instance, whose first call is start-up.</summary>
    public void Restart()
    {
        ReleaseAll();
        _core = Create(out _join);
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
        _join?.ReleaseAll();
        _core.Output.Discard();
        (Operator as IDisposable)?.Dispose();
    }

    /// <summary>A fresh operator instance in a fresh core (no <c>max_evals</c>: a pass runs until its sources end).</summary>
    private NodeCore Create(out LockstepJoin? join)
    {
        var instance = _catalog.Create(Spec.Op, Spec.ArgsJson);
        instance.NodeId = Spec.Id;
        instance.BatchSize = _batchSize;
        instance.Device = Spec.EffectiveDevice;
        join = instance is LockstepOperator lockstep ? new LockstepJoin(lockstep, _inputs.Length) : null;
        var life = new NodeLifecycle();
        life.Start();
        return new NodeCore(instance, _batchSize, maxEvals: null, life);
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
