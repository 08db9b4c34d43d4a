using System.Runtime.CompilerServices;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Client;

/// <summary>A submitted DAG run: its status, its end, its results, and cancellation.</summary>
public sealed class DagRun(string id, IDagGrain grain, IGrainFactory grains)
{
    /// <summary>The default of <see cref="ResultTextLimit"/>: 256 MiB, the embedded silo's result cap.</summary>
    public const long DefaultResultTextLimit = 256L << 20;

    public string Id { get; } = id;

    /// <summary>Raised with a fresh status at least every progress interval while <see cref="WaitAsync"/> runs.</summary>
    public event Action<DagStatus>? Progress;

    /// <summary>
    /// Stored results (<see cref="DagStatus.StoredResults"/>) up to this many bytes are read, chunk by chunk, into
    /// <see cref="DagStatus.Results"/> of what <see cref="GetStatusAsync"/> and <see cref="WaitAsync"/> return, so that
    /// <c>Results</c> holds every sink's JSON as it always did; bigger ones stay descriptors, to be read with
    /// <see cref="ReadResultAsync"/> or <see cref="CopyResultToAsync"/>. Zero: none is read (<c>dagger run</c> streams them).
    /// </summary>
    public long ResultTextLimit { get; set; } = DefaultResultTextLimit;

    /// <summary>The run's status now; asked again through another gateway when the client's gateway silo dies.</summary>
    public async Task<DagStatus> GetStatusAsync() => await WithResultTextAsync(await GatewayRetry.ReadAsync(grain.GetStatusAsync));

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
            if (status.State.IsTerminal()) return await WithResultTextAsync(status, cancellation);
        }
    }

    /// <summary>
    /// The chunks of a stored result, in order, one grain call each (from whichever silo holds or reads them): their
    /// bytes, concatenated, are the result's JSON text.
    /// </summary>
    /// <exception cref="InvalidOperationException">A chunk is gone (the result was deleted after <c>ResultRetention</c>, or its silo went away).</exception>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadResultAsync(ResultDescriptor result, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var reader = grains.GetGrain<IResultGrain>(NodeKey.Of(result.DagId, result.NodeId));
        for (var i = 0; i < result.Chunks; i++)
        {
            var index = i;
            var chunk = await GatewayRetry.ReadAsync(() => reader.ReadChunkAsync(result, index), cancellation);
            yield return chunk.Bytes;
        }
    }

    /// <summary>Copies a stored result's JSON to <paramref name="destination"/>, one chunk in memory at a time; answers the bytes copied.</summary>
    public async Task<long> CopyResultToAsync(ResultDescriptor result, Stream destination, CancellationToken cancellation = default)
    {
        long bytes = 0;
        await foreach (var chunk in ReadResultAsync(result, cancellation))
        {
            await destination.WriteAsync(chunk, cancellation);
            bytes += chunk.Length;
        }
        if (bytes != result.Bytes)
            throw new InvalidOperationException($"node '{result.NodeId}' of DAG '{result.DagId}': its stored result has {bytes} bytes, its descriptor says {result.Bytes}");
        return bytes;
    }

    /// <summary>A stored result's JSON as one string: for results small enough to hold whole.</summary>
    public async Task<string> ReadResultTextAsync(ResultDescriptor result, CancellationToken cancellation = default)
    {
        using var text = new MemoryStream(checked((int)result.Bytes));
        await CopyResultToAsync(result, text, cancellation);
        return System.Text.Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    }

    /// <summary><paramref name="status"/> with its stored results up to <see cref="ResultTextLimit"/> read into <see cref="DagStatus.Results"/>.</summary>
    private async Task<DagStatus> WithResultTextAsync(DagStatus status, CancellationToken cancellation = default)
    {
        if (status.StoredResults.Count == 0 || ResultTextLimit <= 0) return status;
        Dictionary<string, string>? results = null;
        foreach (var (node, stored) in status.StoredResults)
        {
            if (stored.Bytes > ResultTextLimit) continue;
            results ??= new Dictionary<string, string>(status.Results);
            results[node] = await ReadResultTextAsync(stored, cancellation);
        }
        return results is null ? status : status with { Results = results };
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
