using Microsoft.Extensions.Options;

namespace Dagger.Orleans.Runtime.Timeline;

/// <summary>
/// This silo's node timelines, by run. Kept outside the node grains because a node's activation goes away when the
/// node ends, and its timeline is wanted after that. Bounded: at most <see cref="MaxRuns"/> runs (the oldest go
/// first), and a run every node of which ended more than <c>DaggerOptions.ResultRetention</c> ago is dropped, as the
/// run's own record is.
/// </summary>
public sealed class TimelineStore(IOptions<DaggerOptions> options)
{
    public const int MaxRuns = 256;

    private readonly Lock _lock = new();
    // Runs in the order their first node opened here: the oldest at the front.
    private readonly Dictionary<string, List<NodeTimeline>> _runs = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>A new lane for a node that starts running on this silo (again, after a move or a resume: each stay has its own lane).</summary>
    /// <param name="batchWeight">What one <see cref="NodeTimeline.CountBatch"/> counts for (a source counts each batch once per output edge).</param>
    public NodeTimeline Open(string dagId, string nodeId, string op, string silo, double batchWeight = 1)
    {
        var timeline = new NodeTimeline(nodeId, op, silo, batchWeight);
        lock (_lock)
        {
            if (!_runs.TryGetValue(dagId, out var lanes))
            {
                Prune();
                _runs[dagId] = lanes = [];
                _order.Enqueue(dagId);
            }
            lanes.Add(timeline);
        }
        return timeline;
    }

    /// <summary>The lanes of run <paramref name="dagId"/> recorded here, each as of now.</summary>
    public IReadOnlyList<Discovery.TimelineLane> Lanes(string dagId)
    {
        NodeTimeline[] lanes;
        lock (_lock) lanes = _runs.TryGetValue(dagId, out var list) ? [.. list] : [];
        return lanes.Select(l => l.Snapshot()).ToArray();
    }

    /// <summary>Makes room for one more run, and drops runs that ended longer ago than their results are kept.</summary>
    private void Prune()
    {
        var horizon = DateTimeOffset.UtcNow - options.Value.ResultRetention;
        while (_order.Count >= MaxRuns) _runs.Remove(_order.Dequeue());
        // Only from the front: a run started later may still be going; runs behind a live one wait their turn.
        while (_order.TryPeek(out var oldest) && _runs[oldest].All(l => l.EndedAt is { } end && end < horizon))
            _runs.Remove(_order.Dequeue());
    }
}
