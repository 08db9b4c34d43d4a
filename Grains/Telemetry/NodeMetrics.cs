using System.Diagnostics;
using Dagger.Orleans.Runtime;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Telemetry;

/// <summary>
/// One node's stay on this silo, as the instruments of <see cref="DaggerMetrics"/> see it. The pump calls it at the
/// points the timeline already marks (each input read, each send), passing the node's running totals: counts go out as
/// differences since the last report, so the node keeps counting as before and nothing is added to its loops.
/// </summary>
/// <remarks>
/// Allocation-free on the data path: tag lists are made once here, instruments take them as spans, and clock reads
/// happen only while a reader listens to the duration histograms. Used only from the node's pump.
/// </remarks>
internal sealed class NodeMetrics
{
    private readonly DaggerMetrics _metrics;
    private readonly NodeInbox? _inbox;
    private readonly IReadOnlyList<OutputEdge> _outputs;
    private readonly KeyValuePair<string, object?>[][] _edgeTags;
    private readonly bool _isSource;
    private long _reportedIn;
    private long _reportedOut;
    private long _lastSequence;
    // When the batch in hand was taken (0: none, or nobody listens); time its sends then waited for room.
    private long _batchStart;
    private long _stalled;

    public NodeMetrics(DaggerMetrics metrics, NodePlan plan, NodeInbox? inbox, long received, long emitted, long nextSequence)
    {
        _metrics = metrics;
        _inbox = inbox;
        _outputs = plan.Outputs;
        _isSource = plan.InputCount == 0;
        // A node carried over by a migration or resumed from a checkpoint has counted these already, elsewhere.
        _reportedIn = received;
        _reportedOut = emitted;
        _lastSequence = nextSequence;
        Tags =
        [
            new(DaggerTelemetry.Tags.Dag, plan.DagId),
            new(DaggerTelemetry.Tags.Node, plan.NodeId),
            new(DaggerTelemetry.Tags.Operator, plan.Op),
        ];
        _edgeTags = new KeyValuePair<string, object?>[plan.Outputs.Count][];
        for (var i = 0; i < _edgeTags.Length; i++)
        {
            var edge = plan.Outputs[i];
            _edgeTags[i] =
            [
                .. Tags,
                new(DaggerTelemetry.Tags.EdgeTo, edge.ToNode),
                new(DaggerTelemetry.Tags.EdgePort, edge.Port),
                new(DaggerTelemetry.Tags.Transport, edge.Transport),
            ];
        }
        metrics.Track(this);
        if (_isSource) StartBatch();
    }

    /// <summary>dagger.dag, dagger.node, dagger.operator.</summary>
    public KeyValuePair<string, object?>[] Tags { get; }

    /// <summary>The node asks for its next input; <paramref name="received"/> counts every element taken so far.</summary>
    public void BeforeRead(long received)
    {
        var taken = received - _reportedIn;
        // Nothing new since the last read: that read brought the end of an input, not a batch.
        if (taken == 0) return;
        _reportedIn = received;
        _metrics.ElementsIn.Add(taken, Tags);
        _metrics.Batches.Add(1, Tags);
        RecordBatchDuration();
    }

    /// <summary>A read returned: the batch it brought is in hand from now.</summary>
    public void AfterRead() => StartBatch();

    /// <summary>A batch goes to an output edge; <paramref name="emitted"/> and <paramref name="nextSequence"/> are the node's totals.</summary>
    public void BeforeSend(long emitted, long nextSequence)
    {
        var delta = emitted - _reportedOut;
        if (delta != 0)
        {
            _reportedOut = emitted;
            _metrics.ElementsOut.Add(delta, Tags);
        }
        // A source's batch goes once to each output: it is counted at its first send.
        if (_isSource && nextSequence != _lastSequence)
        {
            _lastSequence = nextSequence;
            _metrics.Batches.Add(1, Tags);
            RecordBatchDuration();
        }
    }

    /// <summary>The edge took the batch at once.</summary>
    public void SentAtOnce(OutputEdge edge)
    {
        if (_metrics.EdgeSendDuration.Enabled) _metrics.EdgeSendDuration.Record(0, EdgeTags(edge));
        if (_isSource) StartBatch();
    }

    /// <summary>The edge's window was full: the send is about to wait. Returns the clock at the start of the wait.</summary>
    public long StallStarts()
    {
        _metrics.Stalls.Add(1, Tags);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>The wait that began at <paramref name="since"/> is over: the edge took the batch.</summary>
    public void StallEnded(OutputEdge edge, long since)
    {
        var waited = Stopwatch.GetTimestamp() - since;
        _stalled += waited;
        if (_metrics.EdgeSendDuration.Enabled) _metrics.EdgeSendDuration.Record(Stopwatch.GetElapsedTime(0, waited).TotalSeconds, EdgeTags(edge));
        if (_isSource) StartBatch();
    }

    /// <summary>The stay is over (the node ended, failed, or moves on): what was not reported yet goes out now.</summary>
    public void Close(long received, long emitted)
    {
        if (received != _reportedIn) _metrics.ElementsIn.Add(received - _reportedIn, Tags);
        if (emitted != _reportedOut) _metrics.ElementsOut.Add(emitted - _reportedOut, Tags);
        _reportedIn = received;
        _reportedOut = emitted;
        _metrics.Forget(this);
    }

    /// <summary>Batches waiting in the node's inbox, for the gauge; null for a source (it has none).</summary>
    public int? InboxDepth() => _inbox is null || _isSource ? null : _inbox.Depth;

    private void StartBatch()
    {
        _batchStart = _metrics.BatchDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        _stalled = 0;
    }

    private void RecordBatchDuration()
    {
        if (_batchStart == 0 || !_metrics.BatchDuration.Enabled) return;
        var busy = Stopwatch.GetTimestamp() - _batchStart - _stalled;
        _metrics.BatchDuration.Record(Stopwatch.GetElapsedTime(0, Math.Max(0, busy)).TotalSeconds, Tags);
        _batchStart = 0;
    }

    private ReadOnlySpan<KeyValuePair<string, object?>> EdgeTags(OutputEdge edge)
    {
        // Writers carry the plan's own edge objects, and a node has a few outputs at most.
        for (var i = 0; i < _edgeTags.Length; i++)
        {
            if (ReferenceEquals(_outputs[i], edge)) return _edgeTags[i];
        }
        return Tags;
    }
}
