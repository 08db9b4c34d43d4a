using Dagger.Orleans.Runtime.Durability;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Storage;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// A run outlives the activations (and silos) that run it. The DAG grain keeps its record — spec, state, node
/// progress, sink results — in the run-state storage, written when any of them changes; a new activation (its silo
/// died, the cluster restarted) reads it and goes on answering status and results. A run that was still going is
/// taken up again: its durable nodes (every edge on a broker) resume from their checkpoints; a run with memory edges
/// cannot, and fails saying so. Runs that can resume are listed with the <see cref="IRunRegistryGrain"/>, which
/// wakes them when a silo starts, so they go on after a full restart without anyone asking.
/// </summary>
internal sealed partial class DagGrain
{
    private const string RecordStateName = "run";
    private DurableRecord<DagSnapshot>? _record;
    private readonly HashSet<string> _resuming = new(StringComparer.Ordinal);
    // Nodes lost again while a resume of theirs was out: resumed once more when it returns.
    private readonly HashSet<string> _resumeAgain = new(StringComparer.Ordinal);
    // Nodes lost and not yet running again: a status query must not reach (and so keep re-creating) their activation meanwhile.
    private readonly HashSet<string> _awaitingResume = new(StringComparer.Ordinal);
    private bool _registered;

    /// <summary>
    /// Runs keep a record only in a persistent run-state storage. Without one a record would live in some silo's
    /// memory — no better than this grain's own — at a storage call or two per run (a third of the rate of small runs).
    /// </summary>
    private bool HasRecord => _options.StateStorage is not null;

    private DurableRecord<DagSnapshot> Record => _record ??= new DurableRecord<DagSnapshot>(
        ServiceProvider.GetRequiredKeyedService<IGrainStorage>(_options.StateStorage!), _options.StateStorage!,
        ServiceProvider.GetRequiredService<Serializer>(), RecordStateName, this.GetGrainId(),
        ServiceProvider.GetRequiredService<Resilience.ResiliencePipelines>().StateStorage);

    /// <summary>
    /// Writes the run's record. A storage that stays down fails the run (once: failing saves again, and that save's
    /// failure only goes to the log), so a run never goes on believed durable when it is not.
    /// </summary>
    private async Task SaveAsync()
    {
        if (_spec is null || !HasRecord) return;
        try
        {
            await Record.SaveAsync(TakeSnapshot());
            await UpdateRegistrationAsync();
        }
        catch (StaleRecordException e)
        {
            // Another activation of this run's grain has written its record since this one read it: it is the run's
            // grain now, and this one goes without overwriting it.
            LogSaveFailed(logger, e, DagId);
            DeactivateOnIdle();
        }
        catch (Exception e) when (e is DurableStateException or OrleansException or TimeoutException)
        {
            LogSaveFailed(logger, e, DagId);
            if (!_state.IsTerminal()) await FailAsync($"the run's record could not be saved: {e.Message}");
        }
    }

    /// <summary>Whether every node of the run is durable: only such a run can go on after losing the silos of its nodes.</summary>
    private bool AllNodesResumable() => _allNodesResumable ??= EveryNodeDurable();

    private bool? _allNodesResumable;

    private bool EveryNodeDurable()
    {
        var spec = _spec!;
        // Most runs have a memory (or shm) edge, or no persistent storage: they answer without planning or creating anything.
        if (_options.StateStorage is null || spec.Edges.Any(e => !Spec.Transports.OutlivesSilos(spec.TransportOf(e)))) return false;
        var plans = Plans;
        foreach (var node in spec.Nodes)
        {
            var op = catalog.Create(node.Op, node.ArgsJson);
            try
            {
                if (!NodeGrain.IsDurable(plans[node.Id], op, _options)) return false;
            }
            finally
            {
                (op as IDisposable)?.Dispose();
            }
        }
        return true;
    }

    /// <summary>Lists a resumable run with the registry (woken after a cluster restart), or takes an ended one off.</summary>
    private async Task UpdateRegistrationAsync()
    {
        var register = !_state.IsTerminal() && AllNodesResumable();
        if (register == _registered) return;
        var registry = GrainFactory.GetGrain<IRunRegistryGrain>(RunRegistry.Key);
        if (register) await registry.AddAsync(DagId);
        else await registry.RemoveAsync(DagId);
        _registered = register;
    }

    public Task WakeAsync()
    {
        // Activation did the work (OnActivateAsync reads the record and schedules recovery); an unknown id goes away.
        if (_spec is null) DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task NodeLostAsync(string nodeId, string reason)
    {
        if (_spec is null || _state.IsTerminal() || !_nodes.TryGetValue(nodeId, out var node) || !IsExpectedToRun(node)) return Task.CompletedTask;
        LogNodeLost(logger, DagId, nodeId, reason);
        // Not awaited: the node is still deactivating, and the call that starts it again waits for that.
        _ = ResumeNodesAsync([nodeId]);
        return Task.CompletedTask;
    }

    public Task<bool> IsNodeRunningAsync(string nodeId)
    {
        if (_spec is null)
        {
            DeactivateOnIdle();
            return Task.FromResult(false);
        }
        return Task.FromResult(!_state.IsTerminal() && _nodes.TryGetValue(nodeId, out var node) && IsExpectedToRun(node));
    }

    /// <summary>
    /// A node the run still counts on: running, or pending in a run that has not ended (a record read back may say
    /// pending for nodes started after it was written; they are started again on recovery).
    /// </summary>
    private static bool IsExpectedToRun(NodeStatus node) => node.State is NodeState.Running or NodeState.Pending;

    public Task<NodePlan?> PlanToResumeAsync(string nodeId)
    {
        if (_spec is null || _state.IsTerminal() || !_nodes.TryGetValue(nodeId, out var node) || !IsExpectedToRun(node) || !AllNodesResumable())
            return Task.FromResult<NodePlan?>(null);
        return Task.FromResult<NodePlan?>(Plans[nodeId]);
    }

    /// <summary>After the run's record was read by a new activation: take the run up once this activation is running.</summary>
    private void ScheduleRecovery()
    {
        // A timer, not a call from OnActivateAsync: nodes answer (and report) to this grain, which only takes calls once active.
        IGrainTimer? once = null;
        once = this.RegisterGrainTimer(async _ =>
        {
            once?.Dispose();
            await RecoverAsync();
        }, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true });
    }

    /// <summary>
    /// The run was going when its earlier activation went away. Durable nodes are started again where they are not
    /// running (a live one ignores the call); a node with a memory edge that did not survive fails the run.
    /// </summary>
    private async Task RecoverAsync()
    {
        if (_state.IsTerminal()) return;
        var unfinished = _nodes.Values.Where(IsExpectedToRun).Select(n => n.NodeId).ToList();
        if (AllNodesResumable())
        {
            _registered = true;
            await ResumeNodesAsync(unfinished);
            return;
        }
        foreach (var nodeId in unfinished)
        {
            NodeStatus live;
            try
            {
                live = await Node(nodeId).GetStatusAsync();
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                live = _nodes[nodeId] with { State = NodeState.Pending, Error = e.Message };
            }
            if (live.State == NodeState.Running || _state.IsTerminal()) continue;
            var op = _spec!.Nodes.First(n => n.Id == nodeId).Op;
            await FailAsync($"node '{nodeId}' (operator '{op}') was lost while the run's grain was away (its silo stopped, or the cluster restarted), and a memory edge does not survive its silo");
            return;
        }
    }

    private async Task ResumeNodesAsync(List<string> nodeIds)
    {
        var plans = Plans;
        var position = DagPlanner.TopologicalPositions(_spec!);
        _awaitingResume.UnionWith(nodeIds);
        foreach (var nodeId in nodeIds)
        {
            if (!_resuming.Add(nodeId))
            {
                // A resume of this node is out (the activation it started may be the one that was just lost: one
                // asked to deactivate before the resume reached it runs, then goes): start it once more after that.
                _resumeAgain.Add(nodeId);
                continue;
            }
            try
            {
                do
                {
                    if (_state.IsTerminal() || !IsExpectedToRun(_nodes[nodeId])) break;
                    await ResumeNodeAsync(plans[nodeId], position[nodeId]);
                }
                while (_resumeAgain.Remove(nodeId));
            }
            finally
            {
                _resuming.Remove(nodeId);
                _resumeAgain.Remove(nodeId);
            }
        }
    }

    private async Task ResumeNodeAsync(NodePlan plan, int position)
    {
        var nodeId = plan.NodeId;
        using var span = StartSpan(Telemetry.DaggerTelemetry.Spans.Resume, nodeId);
        try
        {
            LogResuming(logger, DagId, nodeId, _nodeSilos.TryGetValue(nodeId, out var silo) ? silo.ToString() : "none");
            if (_nodes[nodeId].State == NodeState.Pending) _nodes[nodeId] = _nodes[nodeId] with { State = NodeState.Running };
            _nodeSilos[nodeId] = await WithPlacement(plan, position, _spec!.Nodes.Count, static (node, plan) => node.ResumeAsync(plan));
            _awaitingResume.Remove(nodeId);
            await RepeatCancelTo(nodeId);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // Its old silo may still be in the directory for a moment: the next silo-watch tick tries again.
            SpanFailed(span, e.Message);
            LogResumeFailed(logger, e, DagId, nodeId);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "DAG {DagId}: its record could not be saved")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, string dagId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DAG {DagId}: node {NodeId} went away unfinished ({Reason})")]
    private static partial void LogNodeLost(ILogger logger, string dagId, string nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DAG {DagId}: starting node {NodeId} again (it ran on {Silo}); it goes on from its last checkpoint")]
    private static partial void LogResuming(ILogger logger, string dagId, string nodeId, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DAG {DagId}: starting node {NodeId} again failed; trying again")]
    private static partial void LogResumeFailed(ILogger logger, Exception exception, string dagId, string nodeId);
}
