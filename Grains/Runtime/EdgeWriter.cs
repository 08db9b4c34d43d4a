using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The producer side of a <c>memory</c> edge: a grain call per batch with at most <c>window</c> calls in flight.
/// A call completes when the consumer has a slot for the batch, so a slow consumer holds the window full and the
/// producer waits: that is the edge's flow control, and it bounds memory to window + inbox batches per edge.
/// </summary>
internal sealed class EdgeWriter(INodeGrain consumer, OutputEdge edge, int window)
{
    private readonly Queue<Task> _inFlight = new();

    public OutputEdge Edge { get; } = edge;

    /// <summary>True once the consumer said it needs nothing more.</summary>
    public bool Closed { get; set; }

    public async ValueTask SendAsync(Batch batch)
    {
        if (Closed)
        {
            batch.Release();
            return;
        }
        var call = consumer.PushAsync(Edge.Port, batch);
        if (call.IsCompletedSuccessfully) return;
        _inFlight.Enqueue(call.AsTask());
        while (_inFlight.Count >= window) await _inFlight.Dequeue();
    }

    public async Task DrainAsync()
    {
        while (_inFlight.Count > 0) await _inFlight.Dequeue();
    }
}
