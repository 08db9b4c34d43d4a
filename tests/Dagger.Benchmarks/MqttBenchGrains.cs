using System.Buffers.Binary;
using System.Diagnostics;
using HdrHistogram;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Dagger.Orleans.Benchmarks;

/// <summary>A benchmark event: the sender's <see cref="Stopwatch"/> timestamp in its first 8 bytes, then padding to the payload size.</summary>
[GenerateSerializer, Immutable]
public sealed record MqttBenchEvent([property: Id(0)] byte[] Payload);

/// <summary>Where events end, in this process (the in-process silo and the raw subscriber): counts them and records each one's hop latency.</summary>
internal sealed class MqttBenchSink
{
    private readonly Lock _lock = new();
    private readonly LongHistogram _latencyMicros = new(60_000_000, 3);
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _expected;
    private long _received;

    public static MqttBenchSink Current { get; } = new();

    public Task Start(long expected)
    {
        lock (_lock)
        {
            _latencyMicros.Reset();
            _received = 0;
            _expected = expected;
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _done.Task;
        }
    }

    public void Record(ReadOnlySpan<byte> payload)
    {
        var sent = BinaryPrimitives.ReadInt64LittleEndian(payload);
        var micros = (long)(Stopwatch.GetElapsedTime(sent).TotalMilliseconds * 1000);
        lock (_lock)
        {
            _latencyMicros.RecordValue(Math.Clamp(micros, 0, 60_000_000));
            if (++_received == _expected) _done.TrySetResult();
        }
    }

    public (double P50Micros, double P99Micros) Latency()
    {
        lock (_lock) return (_latencyMicros.GetValueAtPercentile(50), _latencyMicros.GetValueAtPercentile(99));
    }

    public static byte[] Stamp(byte[] payload)
    {
        BinaryPrimitives.WriteInt64LittleEndian(payload, Stopwatch.GetTimestamp());
        return payload;
    }
}

/// <summary>The provider's consumer: subscribed implicitly, as the DAG runtime's nodes are.</summary>
[ImplicitStreamSubscription(MqttBenchmark.Namespace)]
public sealed class MqttBenchConsumerGrain : Grain, IGrainWithStringKey, IStreamSubscriptionObserver, IAsyncObserver<MqttBenchEvent>
{
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => handleFactory.Create<MqttBenchEvent>().ResumeAsync(this);

    public Task OnNextAsync(MqttBenchEvent item, StreamSequenceToken? token = null)
    {
        MqttBenchSink.Current.Record(item.Payload);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
