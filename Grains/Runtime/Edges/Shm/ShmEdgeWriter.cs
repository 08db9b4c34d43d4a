using System.Runtime.CompilerServices;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The producer side of an <c>shm</c> edge: each batch is written once into the ring its consumer created on this host
/// (<see cref="ShmRing"/>) and released; the ring's free space and the edge's window of unread batches are the credit,
/// so a full ring holds the producer back.
/// Nothing is lost in between (the ring is memory both ends share), so nothing is retained either.
/// </summary>
internal sealed class ShmEdgeWriter(string path, OutputEdge edge, int window, TimeSpan openWait, CancellationToken forced) : EdgeWriter(edge), IDisposable
{
    private static readonly Task NeverWoken = new TaskCompletionSource().Task;
    private ShmRing? _ring;
    private bool _closed;

    public override bool Closed
    {
        get => _closed || _ring is { ConsumerClosed: true };
        set => _closed = value;
    }

    // Runs once per batch: the state machine comes from a pool instead of the heap when it has to wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask SendAsync(Batch batch)
    {
        try
        {
            if (Closed) return;
            var ring = _ring ?? await OpenAsync();
            for (var waited = 0; !ring.TryWrite(batch, window); waited++)
            {
                // The wake-up first, then one more look: a commit in between is not missed.
                var room = ring.RoomFreed();
                if (ring.TryWrite(batch, window)) return;
                if (Closed) return;
                await ShmWait.NextAsync(room, waited, forced);
            }
        }
        finally
        {
            batch.Release();
        }
    }

    public override async Task DrainAsync()
    {
        if (_ring is not { } ring) return;
        for (var waited = 0; !ring.IsDrained && !Closed; waited++)
        {
            var room = ring.RoomFreed();
            if (ring.IsDrained) return;
            await ShmWait.NextAsync(room, waited, forced);
        }
    }

    /// <summary>The consumer creates the ring when it starts (consumers start before their producers): wait a little for it, then say where it was looked for.</summary>
    private async ValueTask<ShmRing> OpenAsync()
    {
        var giveUpAt = Environment.TickCount64 + (long)openWait.TotalMilliseconds;
        for (var waited = 0; ; waited++)
        {
            forced.ThrowIfCancellationRequested();
            if (ShmRing.TryOpen(path) is { } ring) return _ring = ring;
            if (Environment.TickCount64 > giveUpAt)
                throw new InvalidOperationException($"shm edge to '{Edge.ToNode}' (port {Edge.Port}): no ring at {path} after {openWait.TotalSeconds:0} s: its consumer does not run on this host (shm edges join nodes of one host)");
            // Nothing wakes a producer when a ring appears: ShmWait's own millisecond sleeps pace the look-ups.
            await ShmWait.NextAsync(NeverWoken, waited, forced);
        }
    }

    public void Dispose() => _ring?.Dispose();
}
