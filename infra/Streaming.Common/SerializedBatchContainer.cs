using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace Dagger.Orleans.Streaming;

/// <summary>
/// The events of one <c>QueueMessageBatchAsync</c> call, as they travel through a broker and then through Orleans.
/// The producer serializes it with Orleans' <see cref="Orleans.Serialization.Serializer"/> (see
/// <see cref="OutgoingMessage"/>) before the receiver knows its position, so the token is set on receipt: from the
/// broker's sequence number where the broker has one, else from a counter of the receiver's.
/// </summary>
[GenerateSerializer]
internal sealed class SerializedBatchContainer : IBatchContainer
{
    [Id(0)]
    private readonly List<object> _events;

    [Id(1)]
    private readonly Dictionary<string, object>? _requestContext;

    [Id(2)]
    private EventSequenceTokenV2? _token;

    public SerializedBatchContainer(StreamId streamId, List<object> events, Dictionary<string, object>? requestContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        StreamId = streamId;
        _events = events;
        _requestContext = requestContext is { Count: > 0 } ? requestContext : null;
    }

    [Id(3)]
    public StreamId StreamId { get; }

    /// <summary>Set by the receiver before the container reaches the cache; a container read back from the wire has none yet.</summary>
    public StreamSequenceToken SequenceToken =>
        _token ?? throw new InvalidOperationException($"the batch of stream {StreamId} has no sequence token yet: the receiver sets it on receipt");

    public int EventCount => _events.Count;

    /// <summary>
    /// The provider's handle for acknowledging this batch to its broker (one message, or every chunk of a split one).
    /// Never serialized: the pulling agent hands the very instance it got from the receiver back to
    /// <c>MessagesDeliveredAsync</c>, and a copy delivered to a consumer on another silo never acknowledges anything.
    /// </summary>
    [field: NonSerialized]
    public object? Receipt { get; set; }

    public void SetSequenceToken(EventSequenceTokenV2 token) => _token = token;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        var token = _token ?? throw new InvalidOperationException($"the batch of stream {StreamId} has no sequence token yet");
        for (var i = 0; i < _events.Count; i++)
        {
            if (_events[i] is T item) yield return Tuple.Create<T, StreamSequenceToken>(item, token.CreateSequenceTokenForEvent(i));
        }
    }

    public bool ImportRequestContext()
    {
        if (_requestContext is null) return false;
        RequestContextExtensions.Import(_requestContext);
        return true;
    }

    public override string ToString() => $"[batch of {_events.Count} event(s) on stream {StreamId} at {_token?.ToString() ?? "(no token)"}]";
}
