using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Client;

/// <summary>A submitted DAG run: its status, its end, and cancellation.</summary>
public sealed class DagRun(string id, IDagGrain grain)
{
    public string Id { get; } = id;

    /// <summary>Raised with a fresh status at least every progress interval while <see cref="WaitAsync"/> runs.</summary>
    public event Action<DagStatus>? Progress;

    /// <summary>The run's status now; asked again through another gateway when the client's gateway silo dies.</summary>
    public Task<DagStatus> GetStatusAsync() => GatewayRetry.ReadAsync(grain.GetStatusAsync);

    /// <summary>The spec the run was submitted with.</summary>
    public Task<Spec.DagSpec> GetSpecAsync() => GatewayRetry.ReadAsync(grain.GetSpecAsync);

    /// <summary>Waits until the run has ended and returns its final status. Cancelling <paramref name="cancellation"/> stops waiting, not the run.</summary>
    public async Task<DagStatus> WaitAsync(TimeSpan? progressInterval = null, CancellationToken cancellation = default)
    {
        var interval = progressInterval ?? TimeSpan.FromMilliseconds(500);
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var status = await GatewayRetry.ReadAsync(() => grain.WaitAsync(interval), cancellation).WaitAsync(cancellation);
            Progress?.Invoke(status);
            if (status.State.IsTerminal()) return status;
        }
    }

    /// <summary>
    /// Graceful: sources stop and what is in flight drains through, for at most <paramref name="grace"/> (null: the
    /// cluster's default, 10 s), after which the run is cancelled forcefully. Force: every node stops now.
    /// </summary>
    public Task CancelAsync(CancelMode mode = CancelMode.Graceful, TimeSpan? grace = null) => grain.CancelAsync(mode, grace);

    /// <summary>Ends the run as Failed with its stall as the error, when it is stalled (<see cref="DagStatus.Stall"/>); false when it is not.</summary>
    public Task<bool> FailIfStalledAsync() => grain.FailIfStalledAsync();

    /// <summary>
    /// Cancels one node. Graceful: it stops taking input and ends its output, so what is downstream finishes with
    /// what it received. Force: it and every node downstream of it stop now (sinks keep what they received).
    /// Either way its producers are told it needs nothing more, and the run ends <c>Cancelled</c>.
    /// </summary>
    public Task CancelNodeAsync(string nodeId, CancelMode mode = CancelMode.Graceful) => grain.CancelNodeAsync(nodeId, mode);

    /// <summary>Moves a running node to another silo mid-stream (null: the least loaded other silo); answers the silo it now runs on.</summary>
    public Task<string> MigrateAsync(string nodeId, string? toSilo = null) => grain.MigrateNodeAsync(nodeId, toSilo);
}
