namespace Dagger.Orleans.Streaming.Nats;

/// <summary>
/// Which stored message a delivery is: its stream sequence and the time the server stored it. The sequence alone is
/// not enough: a server killed before flushing its last writes hands out those sequence numbers again after a
/// restart, to new messages.
/// </summary>
internal readonly record struct NatsMessageKey(ulong StreamSequence, long StoredAtTicks);

/// <summary>
/// How to acknowledge one JetStream message: its ack subject. A redelivery of a message still held replaces the
/// subject, since the server answers only the latest delivery's.
/// </summary>
internal sealed class NatsReceipt(NatsMessageKey key, string replyTo)
{
    public NatsMessageKey Key { get; } = key;

    public ulong StreamSequence => Key.StreamSequence;

    public string ReplyTo { get; set; } = replyTo;
}
