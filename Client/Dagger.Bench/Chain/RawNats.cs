using System.Buffers.Binary;
using System.Diagnostics;
using Dagger.Orleans.Bench.Measuring;
using HdrHistogram;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Dagger.Orleans.Bench.Chain;

/// <summary>
/// The NATS baseline, NATS.Net only: JetStream publish (a window of PubAcks in flight) → a durable pull consumer that
/// acknowledges each message explicitly, the guarantees a Dagger <c>nats</c> edge gives. One hop.
/// </summary>
public sealed class RawNats : IAsyncDisposable
{
    public const int Window = 64;

    private readonly NatsConnection _connection;
    private readonly NatsJSContext _js;
    private readonly string _prefix;
    private int _runs;

    private RawNats(NatsConnection connection, NatsJSContext js, string prefix)
    {
        _connection = connection;
        _js = js;
        _prefix = prefix;
    }

    public static async Task<RawNats> ConnectAsync(string url, CancellationToken cancellationToken)
    {
        var connection = new NatsConnection(new NatsOpts { Url = url });
        try
        {
            var js = new NatsJSContext(connection);
            var prefix = "raw" + Guid.NewGuid().ToString("N")[..8];
            await js.CreateStreamAsync(new StreamConfig(prefix, [prefix + ".>"]) { Storage = StreamConfigStorage.File, Retention = StreamConfigRetention.Workqueue }, cancellationToken);
            return new RawNats(connection, js, prefix);
        }
        catch
        {
            // Close the connection before the caller hears why the stream could not be made.
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends <paramref name="messages"/> payloads of <paramref name="bytes"/> bytes through one hop; returns messages per second.</summary>
    public async Task<double> ThroughputAsync(int messages, int bytes, CancellationToken cancellationToken)
    {
        var (subject, consumer) = await NewHopAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        var consuming = ConsumeAsync(consumer, messages, histogram: null, cancellationToken);
        var payload = new byte[bytes];
        var inFlight = new Queue<Task<PubAckResponse>>(Window);
        for (var i = 0; i < messages; i++)
        {
            inFlight.Enqueue(_js.PublishAsync(subject, payload, cancellationToken: cancellationToken).AsTask());
            if (inFlight.Count >= Window) (await inFlight.Dequeue()).EnsureSuccess();
        }
        while (inFlight.Count > 0) (await inFlight.Dequeue()).EnsureSuccess();
        await consuming;
        return messages / clock.Elapsed.TotalSeconds;
    }

    /// <summary>One message at a time, every <paramref name="interval"/>: send → consumer latency in Stopwatch ticks.</summary>
    public async Task<LongHistogram> LatencyAsync(int messages, int bytes, TimeSpan interval, CancellationToken cancellationToken)
    {
        var (subject, consumer) = await NewHopAsync(cancellationToken);
        var histogram = new LongHistogram(TimeStamp.Seconds(60), 3);
        var consuming = ConsumeAsync(consumer, messages, histogram, cancellationToken);
        var payload = new byte[Math.Max(bytes, 8)];
        for (var i = 0; i < messages; i++)
        {
            await Task.Delay(interval, cancellationToken);
            BinaryPrimitives.WriteInt64LittleEndian(payload, Stopwatch.GetTimestamp());
            (await _js.PublishAsync(subject, payload, cancellationToken: cancellationToken)).EnsureSuccess();
        }
        await consuming;
        return histogram;
    }

    private async Task<(string Subject, INatsJSConsumer Consumer)> NewHopAsync(CancellationToken cancellationToken)
    {
        var name = $"hop{++_runs}";
        var subject = $"{_prefix}.{name}";
        var consumer = await _js.CreateOrUpdateConsumerAsync(_prefix, new ConsumerConfig(name)
        {
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            FilterSubject = subject,
            MaxAckPending = 8192,
        }, cancellationToken);
        return (subject, consumer);
    }

    private static async Task ConsumeAsync(INatsJSConsumer consumer, int messages, LongHistogram? histogram, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        var received = 0;
        await foreach (var msg in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = 1000 }, cancellationToken: timeout.Token))
        {
            histogram?.RecordValue(Stopwatch.GetTimestamp() - BinaryPrimitives.ReadInt64LittleEndian(msg.Data));
            await msg.AckAsync(cancellationToken: timeout.Token);
            if (++received == messages) return;
        }
        throw new BenchmarkFailedException($"raw NATS: the consumer stopped after {received} of {messages} messages");
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
