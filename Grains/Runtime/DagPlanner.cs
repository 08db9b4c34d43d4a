using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// Turns a validated spec into one <see cref="NodePlan"/> per node and the order to start them in. Every method
/// indexes the edges by node once, so its cost grows with nodes + edges: a DAG of thousands of independent tasks
/// is planned in milliseconds, not in time that grows with its square.
/// </summary>
internal static class DagPlanner
{
    public static Dictionary<string, NodePlan> Plan(string dagId, DagSpec spec, int window)
    {
        var edges = EdgeIndex.Of(spec);
        var plans = new Dictionary<string, NodePlan>(spec.Nodes.Count, StringComparer.Ordinal);
        foreach (var node in spec.Nodes)
        {
            var into = edges.Into(node.Id);
            var inputs = new InputEdge[into.Count];
            for (var i = 0; i < inputs.Length; i++) inputs[i] = new InputEdge(into[i].From, into[i].Port, spec.TransportOf(into[i]));
            // Ports are 0..n-1 (validated): sorting puts input i on port i.
            Array.Sort(inputs, static (a, b) => a.Port.CompareTo(b.Port));
            var from = edges.OutOf(node.Id);
            var outputs = new OutputEdge[from.Count];
            for (var i = 0; i < outputs.Length; i++) outputs[i] = new OutputEdge(from[i].To, from[i].Port, spec.TransportOf(from[i]));
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
        var edges = EdgeIndex.Of(spec);
        // A node's level: 0 for a sink, else one more than its highest consumer. Computed in reverse topological
        // order, so every consumer's level is known before its producer's (no recursion: a long chain is no deeper).
        var order = TopologicalOrder(spec, edges);
        var level = new Dictionary<string, int>(order.Count, StringComparer.Ordinal);
        var levels = 0;
        for (var i = order.Count - 1; i >= 0; i--)
        {
            var l = 0;
            foreach (var edge in edges.OutOf(order[i])) l = Math.Max(l, level[edge.To] + 1);
            level[order[i]] = l;
            levels = Math.Max(levels, l + 1);
        }
        var groups = new List<List<string>>(levels);
        for (var l = 0; l < levels; l++) groups.Add([]);
        // In spec order within a group.
        foreach (var node in spec.Nodes) groups[level[node.Id]].Add(node.Id);
        return groups;
    }

    /// <summary><paramref name="nodeId"/> and every node that depends on it, directly or through others.</summary>
    public static HashSet<string> Downstream(DagSpec spec, string nodeId)
    {
        var edges = EdgeIndex.Of(spec);
        var found = new HashSet<string>(StringComparer.Ordinal) { nodeId };
        var queue = new Queue<string>([nodeId]);
        while (queue.Count > 0)
        {
            foreach (var edge in edges.OutOf(queue.Dequeue()))
            {
                if (found.Add(edge.To)) queue.Enqueue(edge.To);
            }
        }
        return found;
    }

    /// <summary>
    /// The nodes in an order where every producer comes before its consumers: depth first from each source, so a
    /// chain's nodes stand next to each other (placement cuts this order into per-silo blocks).
    /// </summary>
    public static List<string> TopologicalOrder(DagSpec spec) => TopologicalOrder(spec, EdgeIndex.Of(spec));

    /// <summary>Each node's place in <see cref="TopologicalOrder(DagSpec)"/>.</summary>
    public static Dictionary<string, int> TopologicalPositions(DagSpec spec)
    {
        var order = TopologicalOrder(spec);
        var position = new Dictionary<string, int>(order.Count, StringComparer.Ordinal);
        for (var i = 0; i < order.Count; i++) position[order[i]] = i;
        return position;
    }

    private static List<string> TopologicalOrder(DagSpec spec, EdgeIndex edges)
    {
        var waiting = new Dictionary<string, int>(spec.Nodes.Count, StringComparer.Ordinal);
        foreach (var node in spec.Nodes) waiting[node.Id] = edges.Into(node.Id).Count;
        var order = new List<string>(spec.Nodes.Count);
        var ready = new Stack<string>();
        for (var i = spec.Nodes.Count - 1; i >= 0; i--)
        {
            if (waiting[spec.Nodes[i].Id] == 0) ready.Push(spec.Nodes[i].Id);
        }
        while (ready.Count > 0)
        {
            var id = ready.Pop();
            order.Add(id);
            // Pushed in reverse so the first consumer is visited first.
            var consumers = edges.OutOf(id);
            for (var i = consumers.Count - 1; i >= 0; i--)
            {
                if (--waiting[consumers[i].To] == 0) ready.Push(consumers[i].To);
            }
        }
        return order;
    }

    /// <summary>The spec's edges by the node they leave and the node they enter, each list in spec order.</summary>
    private sealed class EdgeIndex
    {
        private static readonly List<EdgeSpec> None = [];
        private readonly Dictionary<string, List<EdgeSpec>> _out = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<EdgeSpec>> _in = new(StringComparer.Ordinal);

        public static EdgeIndex Of(DagSpec spec)
        {
            var index = new EdgeIndex();
            foreach (var edge in spec.Edges)
            {
                Add(index._out, edge.From, edge);
                Add(index._in, edge.To, edge);
            }
            return index;
        }

        public List<EdgeSpec> OutOf(string nodeId) => _out.GetValueOrDefault(nodeId) ?? None;

        public List<EdgeSpec> Into(string nodeId) => _in.GetValueOrDefault(nodeId) ?? None;

        private static void Add(Dictionary<string, List<EdgeSpec>> map, string key, EdgeSpec edge)
        {
            if (!map.TryGetValue(key, out var list)) map[key] = list = [];
            list.Add(edge);
        }
    }
}
