using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>Turns a validated spec into one <see cref="NodePlan"/> per node and the order to start them in.</summary>
internal static class DagPlanner
{
    public static Dictionary<string, NodePlan> Plan(string dagId, DagSpec spec, int window)
    {
        var plans = new Dictionary<string, NodePlan>(StringComparer.Ordinal);
        foreach (var node in spec.Nodes)
        {
            var inputs = spec.Edges.Where(e => e.To == node.Id).OrderBy(e => e.Port)
                .Select(e => new InputEdge(e.From, e.Port, spec.TransportOf(e))).ToArray();
            var outputs = spec.Edges.Where(e => e.From == node.Id)
                .Select(e => new OutputEdge(e.To, e.Port, spec.TransportOf(e))).ToArray();
            plans[node.Id] = new NodePlan
            {
                DagId = dagId,
                NodeId = node.Id,
                Op = node.Op,
                ArgsJson = node.ArgsJson,
                InputCount = inputs.Length,
                Inputs = inputs,
                Outputs = outputs,
                BatchSize = spec.EffectiveBatch,
                MaxEvals = node.MaxEvals,
                Window = window,
                Device = node.EffectiveDevice,
            };
        }
        return plans;
    }

    /// <summary>
    /// Nodes grouped so that every consumer is in an earlier group than its producers: started in this order,
    /// no producer can send to a node that is not yet listening.
    /// </summary>
    public static List<List<string>> StartOrder(DagSpec spec)
    {
        var level = new Dictionary<string, int>(StringComparer.Ordinal);
        int LevelOf(string id)
        {
            if (level.TryGetValue(id, out var l)) return l;
            var consumers = spec.Edges.Where(e => e.From == id).Select(e => e.To).ToList();
            return level[id] = consumers.Count == 0 ? 0 : consumers.Max(LevelOf) + 1;
        }
        foreach (var node in spec.Nodes) LevelOf(node.Id);
        return spec.Nodes.GroupBy(n => level[n.Id]).OrderBy(g => g.Key).Select(g => g.Select(n => n.Id).ToList()).ToList();
    }

    /// <summary><paramref name="nodeId"/> and every node that depends on it, directly or through others.</summary>
    public static HashSet<string> Downstream(DagSpec spec, string nodeId)
    {
        var found = new HashSet<string>(StringComparer.Ordinal) { nodeId };
        var queue = new Queue<string>([nodeId]);
        while (queue.Count > 0)
        {
            var from = queue.Dequeue();
            foreach (var edge in spec.Edges)
            {
                if (edge.From == from && found.Add(edge.To)) queue.Enqueue(edge.To);
            }
        }
        return found;
    }

    /// <summary>
    /// The nodes in an order where every producer comes before its consumers: depth first from each source, so a
    /// chain's nodes stand next to each other (placement cuts this order into per-silo blocks).
    /// </summary>
    public static List<string> TopologicalOrder(DagSpec spec)
    {
        var consumers = spec.Edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList(), StringComparer.Ordinal);
        var waiting = spec.Nodes.ToDictionary(n => n.Id, n => spec.Edges.Count(e => e.To == n.Id), StringComparer.Ordinal);
        var order = new List<string>(spec.Nodes.Count);
        var ready = new Stack<string>(spec.Nodes.Where(n => waiting[n.Id] == 0).Select(n => n.Id).Reverse());
        while (ready.Count > 0)
        {
            var id = ready.Pop();
            order.Add(id);
            // Pushed in reverse so the first consumer is visited first.
            foreach (var next in Enumerable.Reverse(consumers.GetValueOrDefault(id) ?? []))
            {
                if (--waiting[next] == 0) ready.Push(next);
            }
        }
        return order;
    }
}
