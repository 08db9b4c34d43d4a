namespace Dagger.Orleans.Streaming.Mqtt;

/// <summary>
/// Topic names and client ids of one provider in one Orleans service. Every part that comes from a user (service id,
/// provider name) is escaped with <see cref="BrokerNames"/>, so no '/', '+', '#' or space reaches a topic level raw.
/// </summary>
internal sealed class MqttNames(MqttStreamOptions options, string serviceId, string providerName)
{
    private readonly string _topicBase = $"{options.TopicPrefix}/{BrokerNames.Escape(serviceId)}/{BrokerNames.Escape(providerName)}";
    private readonly string _clientIdBase = $"{options.ClientIdPrefix}-{BrokerNames.Escape(serviceId)}-{BrokerNames.Escape(providerName)}";

    /// <summary>The one topic queue <paramref name="queue"/> publishes to and its receiver subscribes to.</summary>
    public string QueueTopic(uint queue) => $"{_topicBase}/q{queue}";

    /// <summary>The receiver's client id: the same on every silo, so whoever owns the queue resumes its session.</summary>
    public string ReceiverClientId(uint queue) => $"{_clientIdBase}-q{queue}";

    /// <summary>A publisher's client id: unique per process and connection (publishers keep no session).</summary>
    public string PublisherClientId() => $"{_clientIdBase}-pub-{Guid.NewGuid():N}";

}

/// <summary>Limits of the MQTT protocol that sizes depend on.</summary>
internal static class MqttLimits
{
    /// <summary>MQTT's largest packet (a 4-byte variable-length "remaining length" field).</summary>
    public const int MaxPacket = 268_435_455;

    /// <summary>What a PUBLISH packet carries besides its payload, beyond its topic: fixed header (≤ 5), topic length (2),
    /// packet id (2), property length (≤ 4) — with room to spare for properties the client library may add.</summary>
    public const int PublishOverhead = 64;

    /// <summary>The largest payload any option may ask for: a packet's limit less a generous topic.</summary>
    public const int MaxPayload = MaxPacket - 65_536;

    /// <summary>The largest payload that fits <paramref name="maxPacketSize"/> (0: the broker announced no limit) on <paramref name="topic"/>.</summary>
    public static int PayloadLimit(int configured, uint maxPacketSize, string topic)
    {
        if (maxPacketSize == 0) return configured;
        var fits = (long)maxPacketSize - PublishOverhead - System.Text.Encoding.UTF8.GetByteCount(topic);
        return (int)Math.Min(configured, fits);
    }
}
