using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// A DAG grain moves (a silo shutting down gracefully moves it away) with everything it knows of its run; the new
/// activation takes up the silo watch again and goes on answering status, waits and cancellation.
/// </summary>
internal sealed partial class DagGrain : IGrainMigrationParticipant
{
    private const string SnapshotKey = "dagger.dag";
    private DagSnapshot? _arriving;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ServiceProvider.GetRequiredService<LocalDagDirectory>().Add(DagId);
        if (_arriving is { } snapshot)
        {
            _arriving = null;
            Restore(snapshot);
            LogDagArrived(logger, DagId, _state);
            return;
        }
        // Not a move: the run may have a record (its earlier activation's silo died, or the cluster restarted).
        if (HasRecord && await Record.ReadAsync() is { } record)
        {
            Restore(record);
            LogDagRestored(logger, DagId, _state);
            if (!_state.IsTerminal()) ScheduleRecovery();
        }
    }

    /// <summary>Takes up a run from what an earlier activation knew of it.</summary>
    private void Restore(DagSnapshot snapshot)
    {
        _spec = snapshot.Spec;
        _state = snapshot.State;
        _error = snapshot.Error;
        _startedAt = snapshot.StartedAt;
        _endedAt = snapshot.EndedAt;
        foreach (var (id, node) in snapshot.Nodes) _nodes[id] = node;
        foreach (var (id, result) in snapshot.Results) _results[id] = result;
        foreach (var (id, result) in snapshot.StoredResults) _storedResults[id] = result;
        foreach (var (id, silo) in snapshot.NodeSilos) _nodeSilos[id] = silo;
        _cancelDeadline = snapshot.CancelDeadline;
        _cancellation = snapshot.Cancellation;
        if (_state.IsTerminal())
        {
            _ended.TrySetResult();
            DelayDeactivation(_options.ResultRetention);
        }
        else
        {
            DelayDeactivation(TimeSpan.MaxValue);
            StartSiloWatch();
            // A cancellation under way keeps its deadline wherever the run's grain goes.
            if (_state == DagState.Cancelling) ArmCancelDeadline();
        }
    }

    /// <summary>Everything this grain knows of its run.</summary>
    private DagSnapshot TakeSnapshot() => new()
    {
        Spec = _spec!,
        State = _state,
        Error = _error,
        StartedAt = _startedAt,
        EndedAt = _endedAt,
        Nodes = new(_nodes),
        Results = new(_results),
        StoredResults = new(_storedResults),
        NodeSilos = new(_nodeSilos),
        CancelDeadline = _cancelDeadline,
        Cancellation = _cancellation,
    };

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        ServiceProvider.GetRequiredService<LocalDagDirectory>().Remove(DagId);
        return ForgetStoredResultsAsync(reason);
    }

    public Task MoveToAsync(SiloAddress target)
    {
        if (_spec is null || target.Equals(ServiceProvider.GetRequiredService<ILocalSiloDetails>().SiloAddress)) return Task.CompletedTask;
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
        return Task.CompletedTask;
    }

    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext dehydrationContext)
    {
        if (_spec is null) return;
        dehydrationContext.TryAddValue(SnapshotKey, TakeSnapshot());
    }

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue(SnapshotKey, out DagSnapshot? snapshot)) _arriving = snapshot;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DAG {DagId}: its grain goes on here from its record in storage ({State})")]
    private static partial void LogDagRestored(ILogger logger, string dagId, DagState state);

    [LoggerMessage(Level = LogLevel.Information, Message = "DAG {DagId}: its grain goes on here ({State})")]
    private static partial void LogDagArrived(ILogger logger, string dagId, DagState state);
}
