using System.Runtime.CompilerServices;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The producer side of a <c>memory</c> edge. When the consumer's activation is on this silo, batches go
/// straight into its inbox, which makes the producer wait while the inbox is full. Otherwise they go by grain
/// calls (<see cref="RemoteBatchSender"/>), each completing when the consumer has a slot for its batches, so a
/// slow consumer keeps the calls out and the producer waits. Either way memory per edge is bounded by about
/// two windows of batches.
/// </summary>
internal sealed class MemoryEdgeWriter(INodeGrain consumer, string consumerKey, OutputEdge edge, int window, LocalInboxDirectory local,
    Resilience.ResiliencePipelines pipelines)
    : EdgeWriter(edge)
{
    private readonly RemoteBatchSender _remote = new(consumer, edge.Port, maxCalls: Math.Max(1, window / 8), maxGroup: Math.Min(8, window), pipelines);
    private NodeInbox? _localInbox;

    public override bool Closed
    {
        get => _remote.Closed;
        set => _remote.Closed = value;
    }

    // Runs once per batch: the state machine comes from a pool instead of the heap when it has to wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask SendAsync(Batch batch)
    {
        if (Closed)
        {
            batch.Release();
            return;
        }
        // Look the consumer up until it is found here; an inbox found once stays valid until it closes.
        if (_localInbox is null || _localInbox.IsClosed) _localInbox = local.Find(consumerKey);
        if (_localInbox is { } inbox && !inbox.IsClosed)
        {
            if (await inbox.WriteAsync(Edge.Port, batch)) return;
            // Refused: the consumer is moving to another silo. A grain call finds it wherever it goes.
            _localInbox = null;
        }
        await _remote.SendAsync(batch);
    }

    public override Task DrainAsync() => _remote.DrainAsync();
}
