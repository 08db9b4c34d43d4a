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
internal sealed class StreamEdgeWriter(IAsyncStream<Batch> stream, INodeGrain consumer, OutputEdge edge, int window, CancellationToken cancellation)
    : EdgeWriter(edge)
{
    // The highest sequence the consumer has taken from the stream, as last heard.
    private long _taken = -1;

    public override bool Closed { get; set; }

    public override async ValueTask SendAsync(Batch batch)
    {
        try
        {
            while (!Closed && batch.Sequence - _taken > window)
            {
                cancellation.ThrowIfCancellationRequested();
                _taken = Math.Max(_taken, await PositionAsync(batch.Sequence - window / 2));
            }
            if (Closed) return;
            await stream.OnNextAsync(batch);
        }
        finally
        {
            // The provider serialised it: the pooled buffer can go back.
            batch.Release();
        }
    }

    public override Task DrainAsync() => Task.CompletedTask;

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
        catch (SiloUnavailableException)
        {
            await Task.Delay(100, cancellation);
            return -1;
        }
    }
}
