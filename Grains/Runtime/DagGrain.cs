using Dagger.Orleans.Operators;
using Dagger.Orleans.Placement;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Telemetry;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// One DAG run: validates the spec, starts one node grain per node (consumers before producers), and tracks
/// node states, sink results, failure and cancellation. Reentrant: every method only reads or updates in-memory
/// state between awaits.
/// </summary>
[Reentrant]
internal sealed partial class DagGrain(
    OperatorCatalog catalog, IOptions<DaggerOptions> options, IClusterMembershipService membership, ClusterAccelerators accelerators,
    ILogger<DagGrain> logger) : Grain, IDagGrain
{
    private readonly DaggerOptions _options = options.Value;
    private readonly Dictionary<string, NodeStatus> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _results = new(StringComparer.Ordinal);
    // Results too big to travel inline: where each was stored (DagGrain.Results.cs).
    private readonly Dictionary<string, ResultDescriptor> _storedResults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SiloAddress> _nodeSilos = new(StringComparer.Ordinal);
    private IGrainTimer? _siloWatch;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DagSpec? _spec;
    private DagState _state = DagState.Running;
    private string? _error;
    private DateTimeOffset _startedAt;
    private DateTimeOffset? _endedAt;
    // A submission is checking its spec against the cluster: the run does not exist yet, but is about to.
    private bool _submitting;

    private string DagId => this.GetPrimaryKeyString();

    // The run's node plans: fixed once the spec is (submitted or restored), and wanted again to start or resume nodes.
    private IReadOnlyDictionary<string, NodePlan>? _plans;

    private IReadOnlyDictionary<string, NodePlan> Plans => _plans ??= DagPlanner.Plan(DagId, _spec!, _options.WindowFor(_spec!.EffectiveBatch));

    public async Task<SubmitResult> SubmitAsync(DagSpec spec)
    {
        using var span = StartSpan(DaggerTelemetry.Spans.Submit);
        if (spec.Name is { } dagName) span?.SetTag(DaggerTelemetry.Tags.DagName, dagName);
        var files = _options.FilePolicy();
        spec = files?.Pin(spec, catalog) ?? spec;
        if (_spec is not null)
        {
            return _spec.ToJson() == spec.ToJson()
                ? new SubmitResult { DagId = DagId }
                : new SubmitResult { DagId = DagId, Problems = [$"DAG id '{DagId}' is already in use by another run"] };
        }
        var problems = DagValidator.Validate(spec, catalog, _options.Transports, _options.Limits, files);
        if (problems.Count == 0) problems = ServiceProvider.GetRequiredService<Operators.Net.NetAllowList>().Check(spec, catalog);
        // Refused now, naming node and capability, rather than failing (or waiting) once nodes start.
        if (problems.Count == 0)
        {
            _submitting = true;
            try
            {
                problems = await accelerators.CheckAsync(spec, _options.SiloMetadataWait);
            }
            finally
            {
                _submitting = false;
            }
        }
        if (problems.Count > 0)
        {
            SpanFailed(span, $"refused: {problems.Count} problem(s)");
            return new SubmitResult { DagId = DagId, Problems = problems };
        }
        // A submission of this id may have got in while the check waited: answer as to a repeat.
        if (_spec is not null) return await SubmitAsync(spec);

        _spec = spec;
        _startedAt = DateTimeOffset.UtcNow;
        Metrics.RunStarted(spec.Name);
        Discovery.RunListGrain.Announce(GrainFactory, DagId, spec, _startedAt);
        foreach (var node in spec.Nodes) _nodes[node.Id] = new NodeStatus { NodeId = node.Id, State = NodeState.Pending };
        DelayDeactivation(TimeSpan.MaxValue);
        LogSubmitted(logger, DagId, spec.Nodes.Count);
        // The run exists once its record does: from here on a status query answers, whatever happens to this silo.
        await SaveAsync();
        if (_state.IsTerminal()) return new SubmitResult { DagId = DagId };

        var plans = Plans;
        var position = DagPlanner.TopologicalPositions(spec);
        // A node whose silo dies takes what its memory edges held with it: watch for that, and fail the run.
        StartSiloWatch();
        using var starting = StartSpan(DaggerTelemetry.Spans.Start);
        try
        {
            foreach (var group in DagPlanner.StartOrder(spec))
            {
                // A cancel that came in meanwhile is not lost on the groups still to start (the sources start last).
                if (_state != DagState.Running) break;
                await Task.WhenAll(group.Select(id => StartNode(plans[id], position[id], spec.Nodes.Count)));
                ThrowIfShmEdgeSpansHosts(spec);
            }
        }
        catch (Exception e)
        {
            SpanFailed(starting, e.Message);
            await FailAsync($"starting the DAG failed: {e.Message}");
        }
        if (_state == DagState.Cancelling) await CancelledWhileStartingAsync();
        // A run that can resume records its nodes as running (and where): a new activation of this grain then knows
        // which nodes to expect work for.
        if (!_state.IsTerminal() && AllNodesResumable()) await SaveAsync();
        return new SubmitResult { DagId = DagId };
    }

    /// <summary>An shm edge joins two nodes of one host: refused, naming the edge, once its two ends were placed on two hosts.</summary>
    private void ThrowIfShmEdgeSpansHosts(DagSpec spec)
    {
        foreach (var edge in spec.Edges)
        {
            if (spec.TransportOf(edge) != Spec.Transports.SharedMemory) continue;
            if (!_nodeSilos.TryGetValue(edge.From, out var from) || !_nodeSilos.TryGetValue(edge.To, out var to)) continue;
            if (!from.Endpoint.Address.Equals(to.Endpoint.Address))
                throw new InvalidOperationException($"edge '{edge.From}' → '{edge.To}' is shm, but '{edge.From}' was placed on host {from.Endpoint.Address} and '{edge.To}' on {to.Endpoint.Address}: an shm edge joins nodes of one host (use memory, nats or mqtt across hosts)");
        }
    }

    private void StartSiloWatch()
    {
        _siloWatch = this.RegisterGrainTimer(CheckNodeSilosAsync, new GrainTimerCreationOptions(_options.SiloWatchPeriod, _options.SiloWatchPeriod) { Interleave = true });
        StartBalancing();
        StartStallWatch();
    }

    private async Task StartNode(NodePlan plan, int position, int count)
    {
        try
        {
            _nodeSilos[plan.NodeId] = await StartNodeAsync(plan, position, count);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"node '{plan.NodeId}' (operator '{plan.Op}') could not start: {e.Message}", e);
        }
    }

    private Task<SiloAddress> StartNodeAsync(NodePlan plan, int position, int count)
    {
        if (_nodes[plan.NodeId].State == NodeState.Pending)
            _nodes[plan.NodeId] = _nodes[plan.NodeId] with { State = NodeState.Running };
        return WithPlacement(plan, position, count, static (node, plan) => node.StartAsync(plan));
    }

    /// <summary>Calls the node with what the placement director reads to lay the DAG out over the silos: its position and device.</summary>
    private Task<SiloAddress> WithPlacement(NodePlan plan, int position, int count, Func<INodeGrain, NodePlan, Task<SiloAddress>> call)
    {
        var host = _spec is { } spec ? ShmColocation.HostOfNeighbours(spec, plan.NodeId, _nodeSilos) : null;
        RequestContext.Set(NodePlacement.RequestKey, new NodePlacementRequest(plan.Device, position, count, host?.ToString()));
        try
        {
            return call(Node(plan.NodeId), plan);
        }
        finally
        {
            RequestContext.Remove(NodePlacement.RequestKey);
        }
    }

    public async Task<DagStatus> GetStatusAsync()
    {
        if (_spec is null) throw NotFound();
        // A run that has ended but is still stopping its nodes answers once they have stopped: only then are
        // its node states and its sinks' results final.
        if (_state.IsTerminal()) await _ended.Task;
        else
        {
            var running = _nodes.Values.Where(n => n.State == NodeState.Running && !_awaitingResume.Contains(n.NodeId)).Select(n => n.NodeId).ToList();
            var live = await Task.WhenAll(running.Select(AskNodeAsync));
            for (var i = 0; i < running.Count; i++)
            {
                // A node may have reported its end while we asked (and the answer then came from a fresh,
                // never-started activation): keep the final word.
                if (_nodes[running[i]].State == NodeState.Running && live[i].State == NodeState.Running) _nodes[running[i]] = live[i];
            }
            // The run may have ended while the nodes were asked (a node failed, a cancel came in): its answer then
            // waits, as above, until the nodes have stopped, or it would say "failed" with nodes still running.
            if (_state.IsTerminal()) await _ended.Task;
        }
        return Snapshot();
    }

    /// <summary>
    /// A running node's counters; one that cannot be reached (its silo gone) keeps its last known counters, marked
    /// unreachable, and the silo watch fails the run once the cluster declares that silo dead.
    /// </summary>
    private async Task<NodeStatus> AskNodeAsync(string nodeId)
    {
        try
        {
            return await Node(nodeId).GetStatusAsync();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            LogUnreachable(logger, e, DagId, nodeId);
            return _nodes[nodeId] with { Error = $"unreachable: {e.Message}" };
        }
    }

    public async Task<DagStatus> WaitAsync(TimeSpan maxWait)
    {
        if (_spec is null) throw NotFound();
        if (maxWait > _options.MaxWait) maxWait = _options.MaxWait;
        // Not Task.Delay: its timer would outlive a run that ends first (most do), one per wait. Running on past maxWait
        // is no error: the status then shows the progress so far.
        if (!_state.IsTerminal())
            await _ended.Task.WaitAsync(maxWait).ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing);
        return await GetStatusAsync();
    }

    public Task NodeFinishedAsync(NodeStatus status, string? resultJson, ResultDescriptor? storedResult)
    {
        _nodes[status.NodeId] = status;
        KeepResult(status.NodeId, resultJson, storedResult, replace: true);
        EndIfAllStopped();
        // A durable node forgets its checkpoint once this returns: its end (and its result) must be on record first.
        // Other runs need their record only at the start and the end: a save per node's end would be quadratic in
        // the DAG's size (the record holds every node).
        return _state.IsTerminal() || AllNodesResumable() ? SaveAsync() : Task.CompletedTask;
    }

    /// <summary>The run ends once every node has finished or was cancelled; cancelled if any was, or the run was.</summary>
    private void EndIfAllStopped()
    {
        if (_state.IsTerminal() || !AllNodesStopped()) return;
        var cancelled = _state == DagState.Cancelling || _nodes.Values.Any(n => n.State == NodeState.Cancelled);
        End(cancelled ? DagState.Cancelled : DagState.Completed);
    }

    // How many nodes, in spec order, were seen stopped: each node's end checks on from there, so a DAG of n nodes
    // does about n checks for its n ends rather than n² (a wide DAG of small tasks spent a fifth of its time here).
    private int _seenStopped;

    private bool AllNodesStopped()
    {
        var nodes = _spec!.Nodes;
        while (_seenStopped < nodes.Count && IsStopped(_nodes[nodes[_seenStopped].Id])) _seenStopped++;
        if (_seenStopped < nodes.Count) return false;
        // Once, before the run ends: a node seen stopped earlier must still be (nothing restarts one, but the end is final).
        if (_nodes.Values.All(IsStopped)) return true;
        _seenStopped = 0;
        return false;
    }

    private static bool IsStopped(NodeStatus node) => node.State is NodeState.Finished or NodeState.Cancelled;

    public async Task CancelNodeAsync(string nodeId, CancelMode mode)
    {
        if (_spec is null) throw NotFound();
        if (!_nodes.TryGetValue(nodeId, out var node)) throw new ArgumentException($"DAG '{DagId}' has no node '{nodeId}'");
        if (_state.IsTerminal() || node.State != NodeState.Running) return;
        using var span = StartSpan(DaggerTelemetry.Spans.Cancel, nodeId);
        span?.SetTag(DaggerTelemetry.Tags.Mode, mode == CancelMode.Graceful ? "graceful" : "force");
        LogCancellingNode(logger, DagId, nodeId, mode);
        if (mode == CancelMode.Graceful)
        {
            await Node(nodeId).StopAsync();
            return;
        }
        // Forceful: the node and everything downstream of it stop now (Dagger cancels dependents with it); the
        // producers feeding that part hear that it needs nothing more, and stop if nothing else needs them.
        var doomed = DagPlanner.Downstream(_spec, nodeId);
        await Task.WhenAll(doomed.Where(id => _nodes[id].State is NodeState.Running or NodeState.Pending).Select(async id =>
        {
            var report = await Node(id).CancelAsync(CancelMode.Force);
            _nodes[id] = report is null ? _nodes[id] with { State = NodeState.Cancelled } : report.Status with { NodeId = id, State = NodeState.Cancelled };
            if (report is not null) KeepResult(id, report.ResultJson, report.StoredResult, replace: false);
        }));
        await Task.WhenAll(_spec.Edges.Where(e => !doomed.Contains(e.From) && doomed.Contains(e.To))
            .Select(e => Node(e.From).ConsumerFinishedAsync(e.To, e.Port)));
        EndIfAllStopped();
        await SaveAsync();
    }

    public Task NodeFailedAsync(string nodeId, string error)
    {
        _nodes[nodeId] = _nodes[nodeId] with { State = NodeState.Failed, Error = error };
        var op = _spec?.Nodes.FirstOrDefault(n => n.Id == nodeId)?.Op;
        return FailAsync($"node '{nodeId}' (operator '{op}') failed: {error}");
    }

    public Task<bool> NodeMovedAsync(string nodeId, SiloAddress silo)
    {
        _nodeSilos[nodeId] = silo;
        if (_moving.Remove(nodeId, out var arrived)) arrived.TrySetResult(silo);
        // A move that raced with the run's end (a failure, a cancel) must not bring the node back to life.
        return Task.FromResult(!_state.IsTerminal() && _nodes.TryGetValue(nodeId, out var node) && node.State == NodeState.Running);
    }

    // Nodes on their way to another silo: done when the new activation reports in.
    private readonly Dictionary<string, TaskCompletionSource<SiloAddress>> _moving = new(StringComparer.Ordinal);

    public async Task<string> MigrateNodeAsync(string nodeId, string? toSilo)
    {
        if (_spec is null) throw NotFound();
        using var span = StartSpan(DaggerTelemetry.Spans.Migrate, nodeId);
        if (!_nodes.TryGetValue(nodeId, out var node)) throw new ArgumentException($"DAG '{DagId}' has no node '{nodeId}'");
        if (node.State != NodeState.Running || _state.IsTerminal())
            throw new InvalidOperationException($"node '{nodeId}' is {node.State}: only a running node of a running DAG can move");
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        _nodeSilos.TryGetValue(nodeId, out var from);
        var device = _spec.Nodes.First(n => n.Id == nodeId).EffectiveDevice;
        var target = toSilo is null
            ? LeastLoaded(accelerators.Qualifying(device, [.. active.Where(s => !s.Equals(from) && ShmColocation.CanHost(_spec, nodeId, s, _nodeSilos))]), nodeId)
            : SiloMatching(active, toSilo);
        if (toSilo is not null && accelerators.Qualifying(device, [.. active]).All(s => !s.Equals(target)))
            throw new ArgumentException($"node '{nodeId}' (device '{device}') cannot run on silo {target.Endpoint}: {accelerators.Of(target)?.Describe() ?? "its accelerator is not known"}");
        if (!ShmColocation.CanHost(_spec, nodeId, target, _nodeSilos))
            throw new ArgumentException($"node '{nodeId}' cannot move to silo {target.Endpoint}: it shares an shm edge with a node on another host (shm edges join nodes of one host)");
        span?.SetTag(DaggerTelemetry.Tags.TargetSilo, target.ToString());
        var arrived = new TaskCompletionSource<SiloAddress>(TaskCreationOptions.RunContinuationsAsynchronously);
        _moving[nodeId] = arrived;
        var now = await Node(nodeId).MigrateAsync(target);
        if (now.Equals(from) || !now.Equals(target))
        {
            // It ended before it could move, or was already there.
            _moving.Remove(nodeId);
            return now.ToString();
        }
        // Answer once it runs there: a silo draining for shutdown may stop as soon as this returns.
        try
        {
            return (await arrived.Task.WaitAsync(_options.MaxWait)).ToString();
        }
        catch (TimeoutException)
        {
            // Orleans could not carry it over (its silo stopped mid-move, say): it is gone, with what it held.
            _moving.Remove(nodeId);
            SpanFailed(span, $"node '{nodeId}' did not arrive at {target}");
            await FailAsync($"node '{nodeId}' (operator '{_spec.Nodes.First(n => n.Id == nodeId).Op}') was lost moving to {target}: it did not start there within {_options.MaxWait.TotalSeconds:0} s");
            throw new InvalidOperationException($"node '{nodeId}' did not arrive at {target}");
        }
    }

    /// <summary>Of <paramref name="candidates"/> (other silos that may host the node), the one that runs the fewest of this run's running nodes.</summary>
    private SiloAddress LeastLoaded(SiloAddress[] candidates, string nodeId)
    {
        if (candidates.Length == 0) throw new InvalidOperationException($"there is no other active silo that can host node '{nodeId}'");
        return candidates.MinBy(s => _nodeSilos.Count(n => s.Equals(n.Value) && _nodes[n.Key].State == NodeState.Running))!;
    }

    private static SiloAddress SiloMatching(List<SiloAddress> active, string name)
    {
        foreach (var silo in active)
        {
            if (name == silo.ToString() || name == silo.ToParsableString() || name == silo.Endpoint.ToString()) return silo;
        }
        throw new ArgumentException($"no active silo is '{name}'; the active silos are {string.Join(", ", active.Select(s => s.Endpoint.ToString()))}");
    }

    private async Task FailAsync(string error)
    {
        if (_state.IsTerminal()) return;
        _error = error;
        LogFailed(logger, DagId, error);
        End(DagState.Failed, announce: false);
        await StopAllAsync();
        await SaveAsync();
        _ended.TrySetResult();
    }

    private Task CheckNodeSilosAsync(CancellationToken cancellation)
    {
        if (_state.IsTerminal()) return Task.CompletedTask;
        var snapshot = membership.CurrentSnapshot;
        var lost = _nodeSilos.Where(n => _nodes[n.Key].State == NodeState.Running && snapshot.GetSiloStatus(n.Value) == SiloStatus.Dead).ToList();
        if (lost.Count == 0) return Task.CompletedTask;
        // Durable nodes (every edge on a broker) start again from their last checkpoint; anything else fails the run.
        if (AllNodesResumable()) return ResumeNodesAsync(lost.Select(n => n.Key).ToList());
        foreach (var (nodeId, silo) in lost) _nodes[nodeId] = _nodes[nodeId] with { State = NodeState.Failed, Error = $"its silo {silo} died" };
        var (first, firstSilo) = lost[0];
        var op = _spec!.Nodes.First(n => n.Id == first).Op;
        var others = lost.Count > 1 ? $" (with {lost.Count - 1} more node{(lost.Count > 2 ? "s" : "")} of that silo)" : "";
        return FailAsync($"node '{first}' (operator '{op}') was lost{others}: its silo {firstSilo} died, and a memory edge does not survive its silo");
    }

    /// <param name="announce">False when the caller still stops nodes: waiters hear of the end once nothing runs.</param>
    private void End(DagState state, bool announce = true)
    {
        DisarmCancelDeadline();
        _siloWatch?.Dispose();
        _siloWatch = null;
        StopBalancing();
        _state = state;
        _endedAt = DateTimeOffset.UtcNow;
        CountRunEnded(state);
        DelayDeactivation(_options.ResultRetention);
        // Kept for its status and results for ResultRetention: let go of what only running it needed (made again if asked).
        _plans = null;
        _nodeGrains.Clear();
        _nodeGrains.TrimExcess();
        if (announce) _ended.TrySetResult();
        LogEnded(logger, DagId, state);
    }

    /// <summary>Forcefully stops every node that has not ended. A node that cannot be reached is named in the error.</summary>
    private async Task StopAllAsync()
    {
        var pending = _nodes.Values.Where(n => n.State is NodeState.Running or NodeState.Pending).Select(n => n.NodeId).ToList();
        var calls = pending.Select(async id =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                var report = await Node(id).CancelAsync(CancelMode.Force);
                // A node's forceful stop should take about CancelGrace; a slow one is named, so a cancel that drags
                // (seen once per few full test runs on shm edges under load) says which node held it up.
                var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                if (took > SlowNodeStop) LogSlowNodeStop(logger, DagId, id, took.TotalSeconds);
                _nodes[id] = report is null ? _nodes[id] with { State = NodeState.Cancelled } : report.Status with { NodeId = id, State = NodeState.Cancelled };
                if (report is not null) KeepResult(id, report.ResultJson, report.StoredResult, replace: false);
            }
            catch (Exception e)
            {
                _nodes[id] = _nodes[id] with { State = NodeState.Failed, Error = $"could not be stopped: {e.Message}" };
                _error = (_error is null ? "" : _error + "; ") + $"stopping node '{id}' failed: {e.Message}";
            }
        });
        await Task.WhenAll(calls);
    }

    private DagStatus Snapshot() => new()
    {
        DagId = DagId,
        State = _state,
        Nodes = _spec!.Nodes.Select(n => WithDevice(_nodes[n.Id], n)).ToArray(),
        Results = new Dictionary<string, string>(_results),
        StoredResults = new Dictionary<string, ResultDescriptor>(_storedResults),
        Error = _error,
        StartedAt = _startedAt,
        EndedAt = _endedAt,
        Silo = RuntimeIdentity,
        Cancellation = _state == DagState.Cancelled ? _cancellation : null,
        Stall = _state.IsTerminal() ? null : _stall,
    };

    /// <summary>A node's status with its device and the accelerator of the silo it was placed on.</summary>
    private NodeStatus WithDevice(NodeStatus status, NodeSpec node) => status with
    {
        Device = node.EffectiveDevice,
        Accelerator = _nodeSilos.TryGetValue(node.Id, out var silo) ? accelerators.Of(silo)?.Describe() : null,
    };

    /// <summary>Asked about an id no run has: this activation holds nothing worth keeping.</summary>
    private DagNotFoundException NotFound()
    {
        // A submission checking its spec has no run yet, but this activation is about to hold one.
        if (!_submitting) DeactivateOnIdle();
        return new DagNotFoundException(DagId);
    }

    // One reference per node for the run's life: a reference costs more to make than a call costs to send.
    private readonly Dictionary<string, INodeGrain> _nodeGrains = new(StringComparer.Ordinal);

    private INodeGrain Node(string nodeId)
    {
        if (!_nodeGrains.TryGetValue(nodeId, out var node)) _nodeGrains[nodeId] = node = GrainFactory.GetNodeGrain(DagId, nodeId);
        return node;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DAG {DagId}: node {NodeId} did not answer a status query")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, string dagId, string nodeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "DAG {DagId}: submitted with {Nodes} nodes")]
    private static partial void LogSubmitted(ILogger logger, string dagId, int nodes);

    /// <summary>A forceful stop of one node slower than this is logged, naming the node.</summary>
    private static readonly TimeSpan SlowNodeStop = TimeSpan.FromSeconds(5);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DAG {DagId}: node {NodeId} took {Seconds:0.0} s to stop when cancelled forcefully")]
    private static partial void LogSlowNodeStop(ILogger logger, string dagId, string nodeId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "DAG {DagId}: cancelling node {NodeId} ({Mode})")]
    private static partial void LogCancellingNode(ILogger logger, string dagId, string nodeId, CancelMode mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DAG {DagId}: failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string dagId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "DAG {DagId}: {State}")]
    private static partial void LogEnded(ILogger logger, string dagId, DagState state);
}
