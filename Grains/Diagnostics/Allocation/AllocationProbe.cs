using System.Diagnostics;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Diagnostics;

/// <summary>
/// Measures what each node's operator allocates per element and per batch in steady state, in this process, on this
/// thread. The DAG runs in rounds — every source produces once, then every other node, in topological order, takes
/// every batch waiting at its inputs — so each operator sees the batches its upstream operators really produce (a
/// lockstep node one batch per port). Every operator call is bracketed alone by
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>, exact to the byte for what the call allocates on this thread.
/// After a warm-up (JIT tiers, pools, buffer growth) the calls are measured and compared with each operator's
/// <see cref="AllocationBudget"/>.
/// </summary>
/// <remarks>
/// When every source is done the pass ends as a run does (what operators hold in part-filled batches is sent on) and
/// the next pass is a new run of fresh instances. The first call of an instance (start-up: tables, files, kernels,
/// generators) is not steady state and is kept apart. A node's <c>max_evals</c> is ignored. Kernels of nodes on a
/// <c>gpu</c> device run on <see cref="Gpu.ProcessAccelerator.Shared"/> when the process has a GPU (else those nodes
/// run their CPU code, as on a silo); what an accelerator's own threads allocate is not on this thread and not counted.
/// </remarks>
public sealed class AllocationProbe(OperatorCatalog catalog)
{
    /// <summary>Measures every node of <paramref name="spec"/>, which must be valid (see <see cref="DagValidator"/>).</summary>
    public AllocationReport Measure(DagSpec spec, AllocationProbeOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new AllocationProbeOptions();
        options.Check();
        var nodes = Build(spec);
        var context = new CallerThreadContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        var clock = Stopwatch.StartNew();
        var rounds = 0;
        var windows = 0;
        var timeUp = false;
        var results = new NodeAllocation?[nodes.Count];
        try
        {
            // Warm-up.
            var limit = options.RoundsPerCall * Math.Max(options.WarmupCalls, 1);
            for (var r = 0; r < limit && !Reached(nodes, n => n.TotalCalls, options.WarmupCalls); r++)
            {
                if (clock.Elapsed >= options.TimeLimit / 2) break;
                RunRound(nodes, context, measuring: false, cancellation);
                rounds++;
            }
            // A window that caught a one-off allocation the runtime made on this thread (seen now and then under load:
            // a few KB in one call) is measured again; each node keeps its best window. A real per-element or
            // per-batch allocation is over in every window.
            for (var window = 1; window <= options.Windows; window++)
            {
                foreach (var node in nodes) node.StartMeasuring();
                limit = options.RoundsPerCall * options.MeasuredCalls;
                for (var r = 0; r < limit && !Reached(nodes, n => n.MeasuredCalls, options.MeasuredCalls); r++)
                {
                    if (clock.Elapsed >= options.TimeLimit && r > 0)
                    {
                        timeUp = true;
                        break;
                    }
                    RunRound(nodes, context, measuring: true, cancellation);
                    rounds++;
                }
                var allWithin = true;
                for (var i = 0; i < nodes.Count; i++)
                {
                    var result = Result(nodes[i]);
                    if (results[i] is not { } kept || Better(result, kept)) results[i] = result;
                    if (results[i]!.Verdict == AllocationVerdict.Over) allWithin = false;
                }
                windows = window;
                if (allWithin || timeUp) break;
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
            foreach (var node in nodes) node.ReleaseAll();
        }
        var final = new NodeAllocation[nodes.Count];
        for (var i = 0; i < nodes.Count; i++) final[i] = results[i] ?? throw new InvalidOperationException($"node '{nodes[i].Spec.Id}' was not measured");
        return new AllocationReport(spec.Name, final, options.WarmupCalls, options.MeasuredCalls, windows, rounds, clock.Elapsed, timeUp);
    }

    private static void RunRound(List<ProbeNode> nodes, CallerThreadContext context, bool measuring, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        foreach (var node in nodes) node.Run(context, measuring, cancellation);
        foreach (var node in nodes)
        {
            if (node.Operator is SourceOperator && !node.Ended) return;
        }
        // Every source is done: the pass drains like the end of a run, and the next one is a new run of fresh instances.
        foreach (var node in nodes)
        {
            node.Run(context, measuring, cancellation);
            node.Finish(measuring);
        }
        foreach (var node in nodes) node.Restart();
    }

    private static bool Reached(List<ProbeNode> nodes, Func<ProbeNode, long> calls, int target)
    {
        foreach (var node in nodes)
        {
            if (calls(node) < target) return false;
        }
        return true;
    }

    /// <summary>A measured window over none, steady calls over start-up ones, then the least bytes over budget per call.</summary>
    private static bool Better(NodeAllocation a, NodeAllocation b)
    {
        if (a.Calls == 0 || b.Calls == 0) return b.Calls == 0 && a.Calls > 0;
        if (a.StartupIncluded != b.StartupIncluded) return !a.StartupIncluded;
        return (a.Bytes - a.AllowedBytes) / a.Calls < (b.Bytes - b.AllowedBytes) / b.Calls;
    }

    private static NodeAllocation Result(ProbeNode node)
    {
        // Steady calls when there are any; a node whose every call is an instance's first has only those. A node that
        // keeps what it is given is judged over its instance's life, where its collections' doublings amortise.
        var startupOnly = node.Steady.Calls == 0 && node.Startup.Calls > 0;
        var t = startupOnly ? node.Startup : node.Budget.Amortised && node.Lifetime.Calls > 0 ? node.Lifetime : node.Steady;
        return new NodeAllocation(node.Spec.Id, node.Spec.Op, node.Role, node.Input, node.Output,
            t.Calls, t.Elements, t.InputBytes, t.OutputElements, t.OutputRecords, t.OutputBatches, t.Bytes, node.Budget, startupOnly);
    }

    /// <summary>The nodes in topological order, each knowing its consumers.</summary>
    private List<ProbeNode> Build(DagSpec spec)
    {
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        var pending = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in spec.Nodes)
        {
            ports[node.Id] = 0;
            pending[node.Id] = 0;
        }
        foreach (var edge in spec.Edges)
        {
            ports[edge.To] = Math.Max(ports[edge.To], edge.Port + 1);
            pending[edge.To]++;
        }
        var byId = new Dictionary<string, ProbeNode>(StringComparer.Ordinal);
        var ordered = new List<ProbeNode>(spec.Nodes.Count);
        var ready = new Queue<NodeSpec>();
        foreach (var node in spec.Nodes)
        {
            if (pending[node.Id] == 0) ready.Enqueue(node);
        }
        var specs = spec.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        try
        {
            while (ready.TryDequeue(out var next))
            {
                var probe = new ProbeNode(next, ports[next.Id], spec.EffectiveBatch, catalog);
                byId[next.Id] = probe;
                ordered.Add(probe);
                foreach (var edge in spec.Edges)
                {
                    if (edge.From == next.Id && --pending[edge.To] == 0) ready.Enqueue(specs[edge.To]);
                }
            }
            if (ordered.Count != spec.Nodes.Count)
                throw new ArgumentException($"the DAG '{spec.Name}' has a cycle: validate it before measuring it", nameof(spec));
            foreach (var edge in spec.Edges) byId[edge.From].AddConsumer(byId[edge.To], edge.Port);
            return ordered;
        }
        catch
        {
            foreach (var node in ordered) node.ReleaseAll();
            throw;
        }
    }
}
