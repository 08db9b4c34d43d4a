using System.Text;
using MQTTnet;
using Orleans;

namespace Dagger.Orleans.Streaming.Mqtt;

/// <summary>
/// Settings of one MQTT stream provider (MQTT 5, QoS 1, one persistent session per queue). Register with
/// <c>AddMqttStreams(name, options => …)</c> on the silo and the client builder.
/// </summary>
public sealed class MqttStreamOptions
{
    /// <summary>Host name or address of the MQTT broker.</summary>
    public string Server { get; set; } = "localhost";

    /// <summary>TCP port of the broker (1883 is MQTT's plain-text port).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>User name for the broker; leave null for anonymous access.</summary>
    public string? UserName { get; set; }

    /// <summary>Password for <see cref="UserName"/>. Never logged: <see cref="ToString"/> shows only whether it is set.</summary>
    [Redact]
    public string? Password { get; set; }

    /// <summary>
    /// First topic levels of every queue's topic: queue <c>n</c> of provider <c>p</c> publishes to
    /// <c>{TopicPrefix}/{p}/q{n}</c> (the provider name escaped). Must not contain the wildcards '+' or '#'.
    /// </summary>
    public string TopicPrefix { get; set; } = "dagger/streams";

    /// <summary>
    /// Start of every client id this provider uses. A queue's receiver is <c>{ClientIdPrefix}-{service id}-{provider}-q{n}</c>:
    /// the same on every silo, so the silo that takes a queue over resumes that queue's broker session.
    /// </summary>
    public string ClientIdPrefix { get; set; } = "dagger";

    /// <summary>
    /// The largest MQTT payload this provider publishes; a bigger batch is split into chunks and put back together by
    /// the receiver. The broker's own limit (the maximum packet size it announces at connect, e.g. mosquitto's
    /// <c>max_packet_size</c>) lowers it further. Mosquitto's <c>message_size_limit</c> is not announced: keep this at
    /// or below it.
    /// </summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>The largest batch (after reassembly) a receiver accepts: a bound on what a bad chunk header can make it allocate.</summary>
    public int MaxMessageBytes { get; set; } = 256 * 1024 * 1024;

    /// <summary>
    /// How many un-acknowledged messages the broker may send a queue's receiver (MQTT 5 "receive maximum"): messages
    /// are acknowledged only once delivered, so this slows the queue down when its consumers fall behind. The receiver's
    /// buffer holds twice this. Must exceed the chunk count of the largest split batch (<see cref="MaxMessageBytes"/> /
    /// <see cref="MaxPayloadBytes"/>), whose chunks are held together. Mosquitto 2.0.11 honours it only until the
    /// first acknowledgement (measured: each PUBACK then releases another receive-maximum's worth), so there the
    /// backlog may wait in the client's receive queue.
    /// </summary>
    public int ReceiveMaximum { get; set; } = 2000;

    /// <summary>
    /// How long a read of an empty queue waits for the next message before it returns nothing: a message that comes
    /// meanwhile reaches its consumer at once rather than at the pulling agent's next poll. Zero reads without waiting
    /// (the poll period alone decides). Keep it short: a silo that hands the queue over to another waits for a read in
    /// progress before it lets the queue's session go (at 1 s, a handover test failed 2 times in 5; at 100 ms, none in 5).
    /// </summary>
    public TimeSpan ReadWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long the broker keeps a queue's session (its subscription and the messages not yet acknowledged) while no
    /// receiver is connected. Null (the default) keeps it forever: a queue whose session expired would lose what was
    /// published while the whole cluster was down.
    /// </summary>
    public TimeSpan? SessionExpiry { get; set; }

    /// <summary>How long one connection attempt may take (TCP connect and CONNACK).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a publish waits for the broker's PUBACK before it counts as failed (and is retried).</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>MQTT keep-alive: how soon a dead connection is noticed.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Attempts at a publish (or at re-connecting a receiver) before the error surfaces: a publish then throws to the
    /// producer, a receiver fails its next read. Delays between attempts start at <see cref="RetryDelay"/> and double up
    /// to <see cref="MaxRetryDelay"/>.
    /// </summary>
    public int RetryAttempts { get; set; } = 8;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a receiver keeps the chunks of a split batch whose other chunks never come (their producer failed
    /// mid-publish and got the error) before it drops and acknowledges them.
    /// </summary>
    public TimeSpan StaleChunkTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far back the publisher keeps copies of acknowledged messages to publish again after its connection to the
    /// broker comes back. A broker acknowledges before it saves, so a crash may lose what it acknowledged last (with
    /// mosquitto, since its last save: set <c>autosave_on_changes true</c> and <c>autosave_interval 1</c> to keep that
    /// to the last moment). Zero turns it off. Duplicates this makes are dropped by the consumer's sequence numbers.
    /// </summary>
    public TimeSpan CrashReplayWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most bytes of message copies <see cref="CrashReplayWindow"/> holds (per silo or client); older copies go first.</summary>
    public long CrashReplayMaxBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Optional last say over the MQTTnet client options (TLS, a WebSocket endpoint, …), applied after this provider's settings.</summary>
    public Action<MqttClientOptionsBuilder>? ConfigureClient { get; set; }

    /// <summary>"server:port", for messages.</summary>
    public string Endpoint => $"{Server}:{Port}";

    /// <summary>The settings, with the password shown only as set or not set.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("MqttStreamOptions { ");
        text.Append("Server = ").Append(Server).Append(", Port = ").Append(Port);
        text.Append(", UserName = ").Append(UserName ?? "(not set)");
        text.Append(", Password = ").Append(Secrets.Describe(Password));
        text.Append(", TopicPrefix = ").Append(TopicPrefix).Append(", ClientIdPrefix = ").Append(ClientIdPrefix);
        text.Append(", MaxPayloadBytes = ").Append(MaxPayloadBytes).Append(", ReceiveMaximum = ").Append(ReceiveMaximum);
        text.Append(", ReadWait = ").Append(ReadWait);
        text.Append(", SessionExpiry = ").Append(SessionExpiry?.ToString() ?? "never");
        text.Append(", RetryAttempts = ").Append(RetryAttempts);
        text.Append(", CrashReplayWindow = ").Append(CrashReplayWindow).Append(" }");
        return text.ToString();
    }
}
