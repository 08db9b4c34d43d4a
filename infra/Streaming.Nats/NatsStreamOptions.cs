using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream.Models;

namespace Dagger.Orleans.Streaming.Nats;

/// <summary>
/// Settings of one NATS JetStream stream provider (named options: one set per <c>AddNatsStreams(name, ...)</c>).
/// Credentials never appear in <see cref="ToString"/> or in any log or error message.
/// </summary>
public sealed class NatsStreamOptions
{
    /// <summary>The NATS server (or a comma-separated list of cluster members).</summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>User name for user/password authentication (with <see cref="Password"/>).</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>Token authentication (instead of <see cref="User"/>/<see cref="Password"/>).</summary>
    public string? Token { get; set; }

    /// <summary>The JetStream stream holding this provider's events; default "DAGGER-{provider name}".</summary>
    public string? StreamName { get; set; }

    /// <summary>Subjects are "{prefix}.q{queue}.{namespace}.{key}"; the stream takes "{prefix}.>". Default "dagger.{provider name}".</summary>
    public string? SubjectPrefix { get; set; }

    /// <summary>How many queues (one subject filter and one durable pull consumer each) the streams hash onto.</summary>
    public int QueueCount { get; set; } = 8;

    /// <summary>File storage survives a server restart; memory storage does not.</summary>
    public StreamConfigStorage Storage { get; set; } = StreamConfigStorage.File;

    /// <summary>WorkQueue (the default) deletes an event once acknowledged; Limits keeps history up to the stream's limits.</summary>
    public StreamConfigRetention Retention { get; set; } = StreamConfigRetention.Workqueue;

    /// <summary>
    /// How long the server waits for the acknowledgement of a delivered message before delivering it again. An event
    /// is acknowledged only after every consumer got it, so this is also how long a dead silo's events wait before
    /// another silo receives them. Keep it longer than a slow consumer takes, or it gets duplicates.
    /// </summary>
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most unacknowledged messages per queue; keep it above the pulling agent's cache size (4096 by default).</summary>
    public int MaxAckPending { get; set; } = 8192;

    /// <summary>Most messages one pull request fetches.</summary>
    public int FetchBatchSize { get; set; } = 256;

    /// <summary>How long one pull request may take before the pulling agent's read fails (and is retried).</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a read of an empty queue waits at the server for the next message before it returns nothing. A message
    /// published meanwhile reaches its consumer at once rather than at the pulling agent's next poll, and an idle queue
    /// costs one pull request per wait rather than one per poll period. Zero reads without waiting (the poll period alone
    /// decides); otherwise at least 1 s (the shortest expiry NATS.Net gives a pull request) and below <see cref="FetchTimeout"/>.
    /// </summary>
    public TimeSpan ReadWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The shortest non-zero <see cref="ReadWait"/>: NATS.Net refuses a pull request that expires sooner.</summary>
    public static readonly TimeSpan MinimumReadWait = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long publishing one event keeps retrying (server down, reconnecting) before it throws to the producer.
    /// An event counts as sent only when JetStream acknowledged storing it.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Largest broker message the provider writes; null takes the server's max_payload (from its INFO). Larger
    /// batches are split into chunks and put back together by the receiver.
    /// </summary>
    public int? MaxPayload { get; set; }

    /// <summary>Largest batch a receiver reassembles from chunks (a bound on memory for a bad or foreign chunk header).</summary>
    public int MaxMessageBytes { get; set; } = 256 * 1024 * 1024;

    /// <summary>How long a receiver keeps the chunks of a split batch whose other chunks have not come (its producer died mid-publish).</summary>
    public TimeSpan PartialMessageTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long start-up waits for the server before failing.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Last word on the NATS.Net client options (reconnect timings, TLS, ...), after the settings above were applied.</summary>
    public Func<NatsOpts, NatsOpts>? ConfigureClient { get; set; }

    public override string ToString()
    {
        var text = new StringBuilder("NatsStreamOptions { ");
        text.Append("Url = ").Append(Secrets.RedactUrl(Url))
            .Append(", User = ").Append(User ?? "(not set)")
            .Append(", Password = ").Append(Secrets.Describe(Password))
            .Append(", Token = ").Append(Secrets.Describe(Token))
            .Append(", StreamName = ").Append(StreamName ?? "(default)")
            .Append(", SubjectPrefix = ").Append(SubjectPrefix ?? "(default)")
            .Append(", QueueCount = ").Append(QueueCount)
            .Append(", Storage = ").Append(Storage)
            .Append(", Retention = ").Append(Retention)
            .Append(", AckWait = ").Append(AckWait)
            .Append(", MaxAckPending = ").Append(MaxAckPending)
            .Append(", FetchBatchSize = ").Append(FetchBatchSize)
            .Append(", ReadWait = ").Append(ReadWait)
            .Append(", PublishTimeout = ").Append(PublishTimeout)
            .Append(", MaxPayload = ").Append(MaxPayload?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(server's)")
            .Append(" }");
        return text.ToString();
    }
}
