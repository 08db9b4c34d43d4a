using Dagger.Orleans.Wire;
using Orleans.Streams;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The producer side of a <c>nats</c> or <c>mqtt</c> edge: batches go to an Orleans persistent stream on our broker
/// provider, which stores them before <c>OnNextAsync</c> completes. Brokers never slow a producer down, so the window
/// is ours: at most a window of batches may be published and not yet taken into the consumer's inbox; past that
/// the producer asks the consumer how far it has got, and that call returns once it has got far enough. The
/// broker's backlog per edge is thereby bounded by a window of batches, and a slow consumer slows its producer.
/// </summary>
/// <remarks>
/// Up to <c>maxPublishes</c> publishes are in flight at once: a broker's store-and-acknowledge round trip per batch,
/// one after another, would cap an edge far below what the broker takes. They leave in sequence order, and the broker
/// keeps that order unless a publish has to be retried (a broker restart); then a later batch may be stored before an
/// earlier one, which a node's inbox puts back in order — except a durable node's, whose delivery of a batch waits
/// until it is processed and so would wait for good on the earlier batch behind it. So where nodes may be durable the
/// caller passes 1. A publish's failure surfaces at the next send or at <see cref="DrainAsync"/>, which the node calls
/// before it ends, moves or checkpoints.
/// </remarks>
internal sealed class StreamEdgeWriter(IAsyncStream<Batch> stream, INodeGrain consumer, OutputEdge edge, int window, int maxPublishes, CancellationToken cancellation)
    : EdgeWriter(edge)
{
    private readonly Queue<Task> _publishes = new();

    // The highest sequence the consumer has taken from the stream, as last heard.
    private long _taken = -1;

    // The question to the consumer how far it has got, while one is out.
    private Task<long>? _position;

    public override bool Closed { get; set; }

    public override async ValueTask SendAsync(Batch batch)
    {
        var handedOver = false;
        try
        {
            ThrowIfAnyPublishFailed();
            if (_position is { IsCompleted: true }) await TakePositionAsync();
            while (!Closed && batch.Sequence - _taken > window)
            {
                cancellation.ThrowIfCancellationRequested();
                _position ??= PositionAsync(batch.Sequence - window / 2);
                await TakePositionAsync();
            }
            if (Closed) return;
            // Half the window is out: ask now how far the consumer has got, so that the answer is back before the
            // window is full and the producer never stands still waiting for it.
            if (_position is null && batch.Sequence - _taken > window / 2) _position = PositionAsync(batch.Sequence - window / 2);
            while (_publishes.Count >= maxPublishes) await _publishes.Dequeue();
            var publish = stream.OnNextAsync(batch);
            handedOver = true;
            var stored = ReleaseWhenStoredAsync(publish, batch);
            if (maxPublishes <= 1 || publish.IsCompleted) await stored;
            else _publishes.Enqueue(stored);
        }
        finally
        {
            if (!handedOver) batch.Release();
        }
    }

    /// <summary>Completes once every batch sent is stored by the broker; throws the first publish that failed.</summary>
    public override async Task DrainAsync()
    {
        while (_publishes.Count > 0) await _publishes.Dequeue();
    }

    /// <summary>The provider has serialised the batch once its publish completes: the pooled buffer can go back.</summary>
    private static async Task ReleaseWhenStoredAsync(Task publish, Batch batch)
    {
        try
        {
            await publish;
        }
        finally
        {
            batch.Release();
        }
    }

    /// <summary>Forgets the publishes at the head that are stored; throws the first that failed, so the node fails with it.</summary>
    private void ThrowIfAnyPublishFailed()
    {
        while (_publishes.Count > 0 && _publishes.Peek().IsCompleted) _publishes.Dequeue().GetAwaiter().GetResult();
    }

    private async Task TakePositionAsync()
    {
        var position = _position!;
        _position = null;
        _taken = Math.Max(_taken, await position);
    }

    /// <summary>
    /// The consumer's position; unknown (-1, ask again) while its silo is gone: a durable consumer is started again
    /// elsewhere from its checkpoint, and a run that cannot go on is failed (and this node cancelled) by the DAG grain.
    /// </summary>
    private async Task<long> PositionAsync(long wanted)
    {
        try
        {
            return await consumer.AwaitStreamPositionAsync(Edge.Port, wanted);
        }
        catch (Exception e) when (SiloLoss.IsCallLost(e))
        {
            await Task.Delay(100, cancellation);
            return -1;
        }
    }
}
