using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;

namespace Dagger.Orleans.Streaming.Nats;

/// <summary>
/// Writes each batch of events as one JetStream message (or its chunks, all in flight at once) on the subject of the
/// stream's queue, and returns only once JetStream has stored every piece: that is what makes an event durable.
/// </summary>
internal sealed class NatsQueueAdapter(
    NatsJetStreamConnection connection,
    HashRingBasedStreamQueueMapper queueMapper,
    NatsStreamOptions options,
    Serializer serializer,
    Microsoft.Extensions.Logging.ILoggerFactory loggerFactory) : IQueueAdapter
{
    public string Name => connection.ProviderName;

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        new NatsQueueAdapterReceiver(connection, (int)queueId.GetNumericId(), options, serializer, loggerFactory);

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException($"NATS stream provider '{Name}' is not rewindable: events cannot be written at a given sequence token", nameof(token));
        }

        var items = events is ICollection<T> collection ? new List<object>(collection.Count) : [];
        foreach (var item in events) items.Add(item!);
        var container = new SerializedBatchContainer(streamId, items, requestContext);
        var queue = (int)queueMapper.GetQueueForStream(streamId).GetNumericId();
        var subject = connection.Names.Subject(queue, streamId);
        using var message = OutgoingMessage.Create(serializer, container, connection.MaxPayload);
        if (message.FrameCount == 1)
        {
            await connection.PublishDurablyAsync(subject, message.Frame(0), streamId);
            return;
        }

        var publishes = new Task[message.FrameCount];
        for (var i = 0; i < publishes.Length; i++) publishes[i] = connection.PublishDurablyAsync(subject, message.Frame(i), streamId);
        await Task.WhenAll(publishes);
    }
}
