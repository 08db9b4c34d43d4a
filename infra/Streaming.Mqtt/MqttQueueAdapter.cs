using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;

namespace Dagger.Orleans.Streaming.Mqtt;

/// <summary>
/// Publishes each <c>QueueMessageBatchAsync</c> call as one serialized batch on its queue's topic (split into chunks
/// when it is larger than the broker takes), and makes a receiver per queue.
/// </summary>
internal sealed class MqttQueueAdapter(
    string providerName,
    MqttStreamOptions options,
    MqttNames names,
    IStreamQueueMapper queueMapper,
    MqttPublisher publisher,
    Serializer serializer,
    Func<QueueId, MqttQueueReceiver> createReceiver) : IQueueAdapter
{
    public string Name => providerName;

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => createReceiver(queueId);

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException($"MQTT stream provider '{providerName}' is not rewindable: it assigns sequence tokens itself and cannot publish at a given token", nameof(token));
        }

        var queue = queueMapper.GetQueueForStream(streamId).GetNumericId();
        var topic = names.QueueTopic(queue);
        var items = events is ICollection<T> collection ? new List<object>(collection.Count) : [];
        foreach (var item in events) items.Add(item ?? throw new ArgumentException($"a null event cannot be published on stream {streamId}", nameof(events)));

        using var message = OutgoingMessage.Create(serializer, new SerializedBatchContainer(streamId, items, requestContext), publisher.PayloadLimit(topic));
        if (message.BodyLength > options.MaxMessageBytes)
        {
            throw new ArgumentException($"MQTT stream provider '{providerName}': a batch of {message.BodyLength} bytes on stream {streamId} is larger than MqttStreamOptions.MaxMessageBytes ({options.MaxMessageBytes})", nameof(events));
        }

        if (message.FrameCount >= options.ReceiveMaximum)
        {
            // The receiver holds every chunk un-acknowledged until the last one comes: more chunks than that would never all arrive.
            throw new ArgumentException($"MQTT stream provider '{providerName}': a batch of {message.BodyLength} bytes on stream {streamId} splits into {message.FrameCount} chunks of at most "
                + $"{publisher.PayloadLimit(topic)} bytes, not fewer than MqttStreamOptions.ReceiveMaximum ({options.ReceiveMaximum}): raise ReceiveMaximum, or MaxPayloadBytes and the broker's maximum packet size", nameof(events));
        }

        // In order, each awaiting its PUBACK: the receiver reassembles chunks in any order, but the topic keeps batches in order.
        for (var i = 0; i < message.FrameCount; i++) await publisher.PublishAsync(queue, topic, message.Frame(i)).ConfigureAwait(false);
    }
}
