using Dagger.Orleans.Operators;
using Dagger.Orleans.Runtime.Durability;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// Resuming without gaps after a silo dies or the whole cluster restarts, for a node whose every edge is on a broker
/// (<c>nats</c>/<c>mqtt</c>), in a cluster with a persistent run-state storage: a durable node. After each batch it takes or emits, it flushes its output and writes a
/// checkpoint — operator state, stream positions, sequence numbers — to the run-state storage
/// (<see cref="DaggerOptions.CheckpointStorage"/>); only then does the delivery of that batch complete, so the broker keeps
/// (and will deliver again) every batch the last checkpoint does not cover. When the node's silo dies, or after a
/// cluster restart, its DAG grain starts it again and it reads that checkpoint: the broker redelivers what came after,
/// what it had already emitted is emitted again with the same sequence numbers and dropped downstream, and nothing is
/// lost or repeated. A lockstep node (half-used batches between checkpoints) and a node with a memory edge (which dies
/// with its silo) are not durable: losing their silo fails the run, as before.
/// </summary>
internal sealed partial class NodeGrain
{
    private const string CheckpointStateName = "checkpoint";
    private bool _durable;
    private DurableRecord<NodeSnapshot>? _checkpoint;

    // Per input port: the highest sequence processed and covered by a checkpoint.
    private long[] _processed = [];
    private readonly List<(int Port, long Sequence, TaskCompletionSource Done)> _processedWaiters = [];

    /// <summary>
    /// Whether a node can resume from checkpoints: every edge on a broker, not lockstep, and a persistent run-state
    /// storage (the in-memory one dies with the silo that holds it, so checkpoints there would promise what they
    /// cannot keep — and cost a write per batch for nothing).
    /// </summary>
    internal static bool IsDurable(NodePlan plan, DaggerOperator op, DaggerOptions options) =>
        options.StateStorage is not null
        && op is not LockstepOperator
        && plan.Inputs.All(e => Spec.Transports.OutlivesSilos(e.Transport))
        && plan.Outputs.All(e => Spec.Transports.OutlivesSilos(e.Transport));

    private DurableRecord<NodeSnapshot> CheckpointRecord => _checkpoint ??= DurableRecord<NodeSnapshot>.In(
        ServiceProvider, options.Value.CheckpointStorageName!, CheckpointStateName, this.GetGrainId());

    public async Task<SiloAddress> ResumeAsync(NodePlan plan)
    {
        if (_plan is not null) return siloDetails.SiloAddress;
        var checkpoint = await CheckpointRecord.ReadAsync();
        // Another resume (a second silo-watch tick, a restart wake-up) may have started it while the read was out.
        if (_plan is not null) return siloDetails.SiloAddress;
        if (checkpoint is null) Run(plan, new NodeInbox(plan.InputCount, plan.Window));
        else RunFrom(checkpoint);
        LogResumed(logger, plan.DagId, plan.NodeId, siloDetails.SiloAddress, checkpoint is null ? "its start" : $"its checkpoint after {checkpoint.Emitted} elements emitted");
        return siloDetails.SiloAddress;
    }

    /// <summary>A durable node's state between batches goes to storage, its output flushed first so the checkpoint covers all it wrote.</summary>
    private async ValueTask CheckpointAsync()
    {
        if (!_durable || _forced.IsCancellationRequested) return;
        // The checkpoint carries only the result's unsealed tail: what was sealed is stored first.
        await SendResultChunksAsync();
        _core!.Output.Flush();
        await EmitReadyAsync();
        // A checkpoint must never cover a batch the broker has not stored: a resumed node would not send it again.
        foreach (var writer in _outputs) await writer.DrainAsync();
        await CheckpointRecord.SaveAsync(Snapshot(_inbox!.Positions()));
    }

    /// <summary>The run is over for this node: its checkpoint is of no more use.</summary>
    private async Task ForgetCheckpointAsync()
    {
        if (!_durable) return;
        try
        {
            await CheckpointRecord.ClearAsync();
        }
        catch (DurableStateException e)
        {
            // The run has its result already; a leftover checkpoint costs a row, not correctness.
            LogCheckpointNotCleared(logger, e, _plan!.DagId, _plan.NodeId);
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "DAG {DagId}: node {NodeId} ended but its checkpoint could not be removed from storage")]
    private static partial void LogCheckpointNotCleared(Microsoft.Extensions.Logging.ILogger logger, Exception exception, string dagId, string nodeId);

    private void MarkProcessed(int port, long sequence)
    {
        if (!_durable || (uint)port >= (uint)_processed.Length || sequence <= _processed[port]) return;
        _processed[port] = sequence;
        for (var i = _processedWaiters.Count - 1; i >= 0; i--)
        {
            var (p, s, done) = _processedWaiters[i];
            if (p != port || s > sequence) continue;
            done.TrySetResult();
            _processedWaiters.RemoveAt(i);
        }
    }

    /// <summary>Completes once batch <paramref name="sequence"/> of <paramref name="port"/> is processed and checkpointed (or the node stops taking input).</summary>
    private Task WaitProcessedAsync(int port, long sequence)
    {
        if (!_durable || (uint)port >= (uint)_processed.Length || _processed[port] >= sequence || _inbox is null || _inbox.IsClosed) return Task.CompletedTask;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _processedWaiters.Add((port, sequence, done));
        return done.Task;
    }

    /// <summary>
    /// The node stops taking input: deliveries waiting on it complete (a finished node needs nothing redelivered; a
    /// moving one carries its inbox) or, for a node going away unfinished, fail so that the broker delivers them again.
    /// </summary>
    private void ReleaseProcessedWaiters(bool done = true)
    {
        foreach (var (_, _, waiter) in _processedWaiters)
        {
            if (done) waiter.TrySetResult();
            else waiter.TrySetException(new NodeMovingException(_plan?.NodeId ?? this.GetPrimaryKeyString()));
        }
        _processedWaiters.Clear();
    }

    /// <summary>
    /// A delivery to an activation that was never started. A durable node its run still counts on (its silo died, the
    /// cluster restarted) starts itself from its checkpoint and takes it: refusing would leave the broker's pulling
    /// agent retrying until it gives up, and the batch lost to this node. Another node the run still counts on is
    /// about to arrive by migration: refused (the agent delivers it again). A node that has ended drops it.
    /// </summary>
    private async Task RefuseOrDropAsync(Batch batch)
    {
        if (await ResumeIfExpectedAsync()) return;
        var running = await IsExpectedToRunAsync();
        if (_plan is not null) return;
        if (running) throw new NodeMovingException(this.GetPrimaryKeyString());
        batch.Release();
        DeactivateOnIdle();
    }

    /// <summary>Starts this activation from its checkpoint when its run counts on it as a durable node; answers whether it runs here now.</summary>
    private async Task<bool> ResumeIfExpectedAsync()
    {
        var (dag, nodeId) = DagAndNode();
        if (await dag.PlanToResumeAsync(nodeId) is { } plan && _plan is null) await ResumeAsync(plan);
        return _plan is not null;
    }

    /// <summary>Whether this node's run still counts on it running: an activation that is not running is then one about to be started again.</summary>
    private async Task<bool> IsExpectedToRunAsync()
    {
        var (dag, nodeId) = DagAndNode();
        return await dag.IsNodeRunningAsync(nodeId);
    }

    private (IDagGrain Dag, string NodeId) DagAndNode()
    {
        var key = this.GetPrimaryKeyString();
        var split = key.LastIndexOf('/');
        return (GrainFactory.GetGrain<IDagGrain>(key[..split]), key[(split + 1)..]);
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "DAG {DagId}: node {NodeId} resumed at {Silo} from {From}")]
    private static partial void LogResumed(Microsoft.Extensions.Logging.ILogger logger, string dagId, string nodeId, SiloAddress silo, string from);
}
