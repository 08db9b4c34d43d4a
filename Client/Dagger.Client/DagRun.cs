using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Client;

/// <summary>A submitted DAG run: its status, its end, and cancellation.</summary>
public sealed class DagRun(string id, IDagGrain grain)
{
    public string Id { get; } = id;

    /// <summary>Raised with a fresh status at least every progress interval while <see cref="WaitAsync"/> runs.</summary>
    public event Action<DagStatus>? Progress;

    public Task<DagStatus> GetStatusAsync() => grain.GetStatusAsync();

    /// <summary>Waits until the run has ended and returns its final status. Cancelling <paramref name="cancellation"/> stops waiting, not the run.</summary>
    public async Task<DagStatus> WaitAsync(TimeSpan? progressInterval = null, CancellationToken cancellation = default)
    {
        var interval = progressInterval ?? TimeSpan.FromMilliseconds(500);
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var status = await grain.WaitAsync(interval).WaitAsync(cancellation);
            Progress?.Invoke(status);
            if (status.State.IsTerminal()) return status;
        }
    }

    /// <summary>Graceful: sources stop and what is in flight drains through. Force: every node stops now.</summary>
    public Task CancelAsync(CancelMode mode = CancelMode.Graceful) => grain.CancelAsync(mode);
}
