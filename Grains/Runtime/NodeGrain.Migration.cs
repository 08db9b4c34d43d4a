using System.Buffers;
using System.Text.Json;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// Live migration of a running node. The node pauses at a batch boundary (its pump stops after the batch in
/// hand, sends what it has written and waits until every consumer has taken it), seals its inbox (later writes are
/// refused and their producers send them again, to wherever the node went), and leaves with a
/// <see cref="NodeSnapshot"/> through Orleans grain migration. The new activation takes the snapshot back and
/// goes on: no element is lost, none is repeated, and the sequence numbers of its streams carry on.
/// </summary>
internal sealed partial class NodeGrain : IGrainMigrationParticipant
{
    private const string SnapshotKey = "dagger.node";

    // The snapshot of a node that is leaving (set from the pause until the activation is gone).
    private NodeSnapshot? _departing;

    // The snapshot a migrated activation arrives with (from OnRehydrate until OnActivateAsync runs it).
    private NodeSnapshot? _arriving;

    public async Task<SiloAddress> MigrateAsync(SiloAddress target)
    {
        var plan = _plan;
        if (plan is null)
        {
            DeactivateOnIdle();
            throw new InvalidOperationException($"node '{this.GetPrimaryKeyString()}' is not running, so it cannot move");
        }
        if (target.Equals(siloDetails.SiloAddress)) return target;
        if (_pump is null) throw new InvalidOperationException($"node '{plan.NodeId}' has not started: only a running node can move");
        try
        {
            _life.BeginPause();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"node '{plan.NodeId}': {e.Message}: only a running node can move", e);
        }

        LogMigrating(logger, plan.DagId, plan.NodeId, target);
        _inbox!.InterruptReaders();
        await _pump;
        if (!_life.StoppedToMove)
        {
            // It ended while pausing: there is nothing left to move.
            return siloDetails.SiloAddress;
        }

        var inbox = _inbox.Seal();
        ReleasePositionWaiters(ended: false);
        localInboxes.Unregister(NodeKey.Of(plan.DagId, plan.NodeId), _inbox);
        ReleaseProcessedWaiters();
        _departing = Snapshot(inbox);
        // The placement hint is what makes Orleans carry the dehydrated state to the silo we chose.
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        try
        {
            DelayDeactivation(TimeSpan.Zero);
            this.MigrateOnIdle();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
        return target;
    }

    /// <summary>The node as it stands between batches, with <paramref name="inbox"/> for what its inbox holds.</summary>
    private NodeSnapshot Snapshot(InboxSnapshot inbox)
    {
        var state = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(state)) _core!.Operator.SaveState(json);
        return new NodeSnapshot
        {
            Plan = _plan!,
            OperatorState = System.Text.Encoding.UTF8.GetString(state.WrittenSpan),
            Emitted = _core.Emitted,
            Received = _core.Received,
            NextSequence = _core.NextSequence,
            LimitReached = _life.LimitReached,
            Inbox = inbox,
            OutputsClosed = _outputs.Select(w => w.Closed).ToArray(),
            LockstepCarry = _lockstepCarry,
            StreamTaken = _streamTaken,
            StopRequested = _life.StopRequested,
            StreamedResult = StreamedResultProgress(),
        };
    }

    /// <summary>Runs the node from a snapshot: a migration's, or a checkpoint after its silo died.</summary>
    private void RunFrom(NodeSnapshot snapshot)
    {
        var plan = snapshot.Plan;
        Run(plan, new NodeInbox(snapshot.Inbox, plan.Window), restore: core =>
        {
            using var state = JsonDocument.Parse(snapshot.OperatorState);
            core.Operator.RestoreState(state.RootElement);
            ResumeStreamedResult(core, snapshot.StreamedResult);
            core.Emitted = snapshot.Emitted;
            core.Received = snapshot.Received;
            core.NextSequence = snapshot.NextSequence;
            _life.Restore(snapshot.LimitReached);
            foreach (var batch in snapshot.LockstepCarry) batch?.AdoptIfReceivedCopy();
            _lockstepCarry = snapshot.LockstepCarry;
            _streamTaken = snapshot.StreamTaken;
            _processed = snapshot.Inbox.Ports.Select(p => p.Next - 1).ToArray();
        }, closedOutputs: snapshot.OutputsClosed);
        // A stop asked of it before (a source of a cancelling run) is not forgotten by moving or resuming.
        if (snapshot.StopRequested) RequestStop();
    }

    /// <summary>The pump's last act before a move: what it wrote goes out, and every consumer has taken it.</summary>
    private async Task PauseAsync()
    {
        await SendResultChunksAsync();
        _core!.Output.Flush();
        await EmitReadyAsync();
        foreach (var writer in _outputs) await writer.DrainAsync();
    }

    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext dehydrationContext)
    {
        if (_departing is not { } snapshot) return;
        // The context serialises the snapshot here and now: the batches it held can go back to the pool.
        dehydrationContext.TryAddValue(SnapshotKey, snapshot);
        foreach (var port in snapshot.Inbox.Ports)
        {
            foreach (var batch in port.Held) batch.Release();
        }
        foreach (var batch in snapshot.LockstepCarry) batch?.Release();
    }

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue(SnapshotKey, out NodeSnapshot? snapshot)) _arriving = snapshot;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (_arriving is not { } snapshot) return;
        _arriving = null;
        var plan = snapshot.Plan;
        RunFrom(snapshot);
        LogArrived(logger, plan.DagId, plan.NodeId, siloDetails.SiloAddress);
        if (!await _dag!.NodeMovedAsync(plan.NodeId, siloDetails.SiloAddress))
        {
            // The run ended while this node was on its way: stop here instead of running on for nobody.
            _life.CancelForcefully();
            _forced.Cancel();
            _stopProducing.Cancel();
            CloseInbox();
            DelayDeactivation(TimeSpan.Zero);
            DeactivateOnIdle();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DAG {DagId}: node {NodeId} moving to {Target}")]
    private static partial void LogMigrating(ILogger logger, string dagId, string nodeId, SiloAddress target);

    [LoggerMessage(Level = LogLevel.Information, Message = "DAG {DagId}: node {NodeId} goes on at {Silo}")]
    private static partial void LogArrived(ILogger logger, string dagId, string nodeId, SiloAddress silo);
}
