using Orleans.Runtime;
using Orleans.Streams;

namespace Dagger.Orleans.Tests.Edges;

/// <summary>
/// A broker that loses messages: wraps a real provider's adapter (NATS, MQTT) and drops every <c>n</c>-th publish while
/// answering it as stored — what mosquitto does when it is killed after acknowledging. Registered in a test silo in
/// place of the provider's own adapter factory (Orleans resolves a stream provider's factory by its name).
/// </summary>
internal sealed class LossyQueueAdapterFactory(IQueueAdapterFactory inner, int everyNth) : IQueueAdapterFactory, IAsyncDisposable
{
    /// <summary>Publishes dropped so far, across every silo of the process (the tests check that the fault happened).</summary>
    public static long Dropped => Interlocked.Read(ref s_dropped);

    private static long s_dropped;

    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) =>
        new LossyQueueAdapter(await inner.CreateAdapter(cancellationToken), everyNth);

    // The wrapped factory holds the broker connections.
    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    public IQueueAdapterCache GetQueueAdapterCache() => inner.GetQueueAdapterCache();

    public IStreamQueueMapper GetStreamQueueMapper() => inner.GetStreamQueueMapper();

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => inner.GetDeliveryFailureHandler(queueId);

    private sealed class LossyQueueAdapter(IQueueAdapter inner, int everyNth) : IQueueAdapter
    {
        private long _published;

        public string Name => inner.Name;

        public bool IsRewindable => inner.IsRewindable;

        public StreamProviderDirection Direction => inner.Direction;

        public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
        {
            if (Interlocked.Increment(ref _published) % everyNth == 0)
            {
                Interlocked.Increment(ref s_dropped);
                return Task.CompletedTask;
            }
            return inner.QueueMessageBatchAsync(streamId, events, token, requestContext);
        }

        public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => inner.CreateReceiver(queueId);
    }
}
