using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using Dagger.Orleans.Bench.Measuring;
using HdrHistogram;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Dagger.Orleans.Bench.Chain;

/// <summary>
/// The MQTT baseline, MQTTnet only: QoS 1 publish (a window of PUBACKs in flight) → a persistent-session MQTT 5
/// subscriber that acknowledges after handling, the guarantees a Dagger <c>mqtt</c> edge gives. One hop.
/// </summary>
public sealed class RawMqtt : IAsyncDisposable
{
    public const int Window = 64;

    private readonly IMqttClient _publisher;
    private readonly IMqttClient _subscriber;
    private readonly string _topic;
    private readonly Lock _lock = new();
    private long _expected, _received;
    private LongHistogram? _histogram;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RawMqtt(IMqttClient publisher, IMqttClient subscriber, string topic)
    {
        _publisher = publisher;
        _subscriber = subscriber;
        _topic = topic;
        _subscriber.ApplicationMessageReceivedAsync += e =>
        {
            // Acknowledged once this returns: after delivery, as the provider acknowledges.
            Record(e.ApplicationMessage.Payload);
            return Task.CompletedTask;
        };
    }

    public static async Task<RawMqtt> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var factory = new MqttClientFactory();
        var topic = $"bench-raw/{Guid.NewGuid():N}";
        var subscriber = factory.CreateMqttClient();
        var publisher = factory.CreateMqttClient();
        var raw = new RawMqtt(publisher, subscriber, topic);
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"bench-raw-sub-{Guid.NewGuid():N}").WithCleanStart(false).WithSessionExpiryInterval(3600).WithReceiveMaximum(2000).Build(), cancellationToken);
        await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(topic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build(), cancellationToken);
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).Build(), cancellationToken);
        return raw;
    }

    /// <summary>Sends <paramref name="messages"/> payloads of <paramref name="bytes"/> bytes through one hop; returns messages per second.</summary>
    public async Task<double> ThroughputAsync(int messages, int bytes, CancellationToken cancellationToken)
    {
        var done = Start(messages, histogram: null);
        var clock = Stopwatch.StartNew();
        var payload = new byte[Math.Max(bytes, 8)];
        var inFlight = new Queue<Task>(Window);
        for (var i = 0; i < messages; i++)
        {
            inFlight.Enqueue(PublishAsync(payload, cancellationToken));
            if (inFlight.Count >= Window) await inFlight.Dequeue();
        }
        while (inFlight.Count > 0) await inFlight.Dequeue();
        await WaitAsync(done, messages, cancellationToken);
        return messages / clock.Elapsed.TotalSeconds;
    }

    /// <summary>One message at a time, every <paramref name="interval"/>: send → subscriber latency in Stopwatch ticks.</summary>
    public async Task<LongHistogram> LatencyAsync(int messages, int bytes, TimeSpan interval, CancellationToken cancellationToken)
    {
        var histogram = new LongHistogram(TimeStamp.Seconds(60), 3);
        var done = Start(messages, histogram);
        for (var i = 0; i < messages; i++)
        {
            await Task.Delay(interval, cancellationToken);
            var payload = new byte[Math.Max(bytes, 8)];
            BinaryPrimitives.WriteInt64LittleEndian(payload, Stopwatch.GetTimestamp());
            await PublishAsync(payload, cancellationToken);
        }
        await WaitAsync(done, messages, cancellationToken);
        return histogram;
    }

    private async Task PublishAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var result = await _publisher.PublishAsync(new MqttApplicationMessage
        {
            Topic = _topic,
            Payload = new ReadOnlySequence<byte>(payload),
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        }, cancellationToken);
        if (!result.IsSuccess) throw new BenchmarkFailedException($"raw MQTT: the broker answered the publish with {result.ReasonCode}");
    }

    private Task Start(long expected, LongHistogram? histogram)
    {
        lock (_lock)
        {
            (_expected, _received, _histogram) = (expected, 0, histogram);
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _done.Task;
        }
    }

    private void Record(ReadOnlySequence<byte> payload)
    {
        Span<byte> stamp = stackalloc byte[8];
        payload.Slice(0, 8).CopyTo(stamp);
        var latency = Stopwatch.GetTimestamp() - BinaryPrimitives.ReadInt64LittleEndian(stamp);
        lock (_lock)
        {
            _histogram?.RecordValue(Math.Max(0, latency));
            if (++_received == _expected) _done.TrySetResult();
        }
    }

    private async Task WaitAsync(Task done, long messages, CancellationToken cancellationToken)
    {
        try
        {
            await done.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new BenchmarkFailedException($"raw MQTT: {Interlocked.Read(ref _received)} of {messages} messages arrived within 2 minutes");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _publisher.DisconnectAsync(new MqttClientDisconnectOptions());
        await _subscriber.DisconnectAsync(new MqttClientDisconnectOptions());
        _publisher.Dispose();
        _subscriber.Dispose();
    }
}
