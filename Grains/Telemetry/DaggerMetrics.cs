using System.Diagnostics.Metrics;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace Dagger.Orleans.Telemetry;

/// <summary>
/// The silo's instruments on the <see cref="DaggerTelemetry.MeterName"/> meter (one meter per silo, from the host's
/// <see cref="IMeterFactory"/> when it has one). Nodes report through a <see cref="NodeMetrics"/> each; the inbox depth
/// is read from the nodes running here when a reader collects, never on the data path.
/// </summary>
internal sealed class DaggerMetrics : IDisposable
{
    // Seconds, from a microsecond to ten seconds: an operator's batch and an edge's wait live in this range.
    private static readonly double[] SecondsBuckets =
        [0.000_001, 0.000_005, 0.000_01, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly Lock _liveLock = new();
    private readonly HashSet<NodeMetrics> _live = [];

    public DaggerMetrics(IServiceProvider services)
    {
        _meter = services.GetService<IMeterFactory>()?.Create(DaggerTelemetry.MeterName) ?? new Meter(DaggerTelemetry.MeterName);
        ElementsIn = _meter.CreateCounter<long>(DaggerTelemetry.Instruments.ElementsIn, "{element}", "Elements a node took from its inputs");
        ElementsOut = _meter.CreateCounter<long>(DaggerTelemetry.Instruments.ElementsOut, "{element}", "Elements a node emitted");
        Batches = _meter.CreateCounter<long>(DaggerTelemetry.Instruments.Batches, "{batch}", "Batches a node's operator handled: input batches of a transform or sink, output batches of a source");
        Stalls = _meter.CreateCounter<long>(DaggerTelemetry.Instruments.Stalls, "{stall}", "Sends that found the edge's window full and waited (backpressure)");
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        BatchDuration = _meter.CreateHistogram(DaggerTelemetry.Instruments.BatchDuration, "s",
            "Time a node spent on one batch, from taking it to asking for the next, less the time its sends waited for room", tags: null, advice: seconds);
        EdgeSendDuration = _meter.CreateHistogram(DaggerTelemetry.Instruments.EdgeSendDuration, "s",
            "Time a batch waited at its producer for the edge to take it (0 when the edge had room)", tags: null, advice: seconds);
        RunsStarted = _meter.CreateCounter<long>(DaggerTelemetry.Instruments.RunsStarted, "{run}", "Runs submitted and started on this silo's DAG grains, by dagger.dag.name");
        RunsEnded = _meter.CreateCounter<long>(DaggerTelemetry.Instruments.RunsEnded, "{run}", "Runs that ended, by dagger.status (Completed, Failed, Cancelled) and dagger.dag.name");
        _meter.CreateObservableGauge(DaggerTelemetry.Instruments.InboxDepth, ObserveInboxDepths, "{batch}", "Batches waiting in a running node's inbox");
    }

    public Counter<long> ElementsIn { get; }
    public Counter<long> ElementsOut { get; }
    public Counter<long> Batches { get; }
    public Counter<long> Stalls { get; }
    public Histogram<double> BatchDuration { get; }
    public Histogram<double> EdgeSendDuration { get; }
    public Counter<long> RunsStarted { get; }
    public Counter<long> RunsEnded { get; }

    // By the spec's name, not the run's id: a counter per run would count to one.
    public void RunStarted(string? dagName) => RunsStarted.Add(1, new KeyValuePair<string, object?>(DaggerTelemetry.Tags.DagName, dagName ?? ""));

    public void RunEnded(string? dagName, DagState state) =>
        RunsEnded.Add(1, new KeyValuePair<string, object?>(DaggerTelemetry.Tags.DagName, dagName ?? ""), new KeyValuePair<string, object?>(DaggerTelemetry.Tags.Status, StateName(state)));

    private static string StateName(DagState state) => state switch
    {
        DagState.Completed => nameof(DagState.Completed),
        DagState.Failed => nameof(DagState.Failed),
        DagState.Cancelled => nameof(DagState.Cancelled),
        _ => state.ToString(),
    };

    internal void Track(NodeMetrics node)
    {
        lock (_liveLock) _live.Add(node);
    }

    internal void Forget(NodeMetrics node)
    {
        lock (_liveLock) _live.Remove(node);
    }

    private List<Measurement<int>> ObserveInboxDepths()
    {
        NodeMetrics[] live;
        lock (_liveLock) live = [.. _live];
        var depths = new List<Measurement<int>>(live.Length);
        foreach (var node in live)
        {
            if (node.InboxDepth() is { } depth) depths.Add(new Measurement<int>(depth, node.Tags));
        }
        return depths;
    }

    public void Dispose() => _meter.Dispose();
}
