using System.Globalization;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// Finds a node that has input waiting but takes none of it, from the counters nodes already report: a running node
/// whose producers have emitted more elements than it has received holds pending input; when its received count has
/// not moved for <c>stallAfter</c>, the run is stalled there (a broker killed under an edge, a consumer wedged). Fed
/// every observation with its time, so it runs on any clock.
/// </summary>
internal sealed class StallDetector(DagSpec spec, TimeSpan stallAfter)
{
    private readonly Dictionary<string, (long Received, DateTimeOffset Since)> _lastMove = new(StringComparer.Ordinal);
    private readonly ILookup<string, EdgeSpec> _inputs = spec.Edges.OrderBy(e => e.Port).ToLookup(e => e.To, StringComparer.Ordinal);

    /// <summary>The node found stalled at the last observation (null: none).</summary>
    public string? StalledNode { get; private set; }

    /// <summary>
    /// Notes the nodes' counters at <paramref name="now"/>; answers <c>stalled: node X waiting for batch N on edge Y since
    /// T</c> for the first node (in spec order) stalled for <c>stallAfter</c> or longer, or null when none is.
    /// </summary>
    public string? Observe(IReadOnlyDictionary<string, NodeStatus> nodes, DateTimeOffset now)
    {
        StalledNode = null;
        string? found = null;
        foreach (var node in spec.Nodes)
        {
            if (!nodes.TryGetValue(node.Id, out var status) || status.State != NodeState.Running) continue;
            var inputs = _inputs[node.Id];
            if (!inputs.Any()) continue;
            if (!_lastMove.TryGetValue(node.Id, out var last) || last.Received != status.Received)
            {
                _lastMove[node.Id] = (status.Received, now);
                continue;
            }
            if (found is not null || now - last.Since < stallAfter) continue;
            if (WaitingOn(inputs, nodes, status.Received) is not { } edge) continue;
            StalledNode = node.Id;
            var batch = status.Received / Math.Max(1, spec.EffectiveBatch);
            found = $"stalled: node {node.Id} waiting for batch {batch} on edge {edge} since {last.Since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}";
        }
        return found;
    }

    /// <summary>
    /// The input edge whose elements have not all arrived, when the producers together emitted more than the node
    /// received (a producer emits each element once to every consumer, so each edge counts its producer's count).
    /// </summary>
    private static EdgeSpec? WaitingOn(IEnumerable<EdgeSpec> inputs, IReadOnlyDictionary<string, NodeStatus> nodes, long received)
    {
        long sent = 0;
        EdgeSpec? busiest = null;
        long most = -1;
        foreach (var edge in inputs)
        {
            var emitted = nodes.TryGetValue(edge.From, out var producer) ? producer.Emitted : 0;
            sent += emitted;
            if (emitted > most) (most, busiest) = (emitted, edge);
        }
        return sent > received ? busiest : null;
    }
}
