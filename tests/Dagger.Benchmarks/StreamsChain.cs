using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.Streams;

namespace Dagger.Orleans.Benchmarks;

/// <summary>
/// The same chain built from plain benchmark-local grains joined by Orleans memory streams, none of Dagger's code:
/// the answer to "memory streams or a provider of ours?". One embedded silo (a host with UseLocalhostClustering on
/// free ports, like Dagger's embedded mode), <c>AddMemoryStreams("bench")</c>, memory "PubSubStore" storage.
/// Per run: fresh streams <c>chain/{run}/0 .. {hops}</c>; hop h subscribes to stream h-1, multiplies each batch in
/// place and publishes it on stream h; the sink subscribes to the last stream and counts. The source (this process,
/// through the silo's own client, as Dagger's client submits through the silo's grain factory) publishes on stream 0.
/// </summary>
/// <remarks>
/// Flow control: memory streams never slow a producer down and throw past 16384 queued messages per queue, so the
/// source keeps at most <c>window</c> batches un-acknowledged by the sink: when the window is full it asks the sink
/// (a long-polling, always-interleaved grain call) to answer once the sink has counted up to half a window past
/// what it last reported, i.e. it refills in half-window steps. Every hop holds its turn while it forwards a batch
/// (awaits <c>OnNextAsync</c>), so what is in flight anywhere in the chain is bounded by the window.
/// </remarks>
internal sealed class StreamsChain : IChainTarget
{
    public const string Provider = "bench";
    public const string Namespace = "chain";

    private readonly IHost _host;
    private readonly IClusterClient _client;
    private readonly int _window;
    private readonly int _queues;
    private readonly double _pollMs;
    private readonly List<string> _notes = [];
    private int _runs;

    private StreamsChain(IHost host, int window, int queues, double pollMs)
    {
        _host = host;
        _client = host.Services.GetRequiredService<IClusterClient>();
        _window = window;
        _queues = queues;
        _pollMs = pollMs;
    }

    public string Name => Configs.OrleansStreams;

    public string Description =>
        $"Orleans memory streams: 1 embedded silo (host + UseLocalhostClustering), AddMemoryStreams(\"{Provider}\") with {_queues} queues, pulling agent polling every {_pollMs} ms; "
        + "plain benchmark grains (hop: subscribe, multiply in place, OnNextAsync downstream; sink: count); each event is one [Immutable] StreamBatch(run, seq, count, byte[]); "
        + $"source publishes from the silo's own client with at most {_window} batches un-acked by the sink";

    public IReadOnlyList<string> Notes => _notes;

    public static async Task<StreamsChain> StartAsync(int window, int queues, double pollMs)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FreeTcpPort(), gatewayPort: FreeTcpPort(), serviceId: "bench-streams",
                clusterId: "streams-" + Guid.NewGuid().ToString("N")[..8]);
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddMemoryStreams(Provider, s =>
            {
                s.ConfigurePartitioning(queues);
                s.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(pollMs)));
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return new StreamsChain(host, window, queues, pollMs);
    }

    private static int FreeTcpPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static StreamId Stream(int run, int index) => StreamId.Create(Namespace, $"{run}/{index}");

    public async Task<RunSample> RunAsync(long elements, int batch, int hops, double factor)
    {
        var run = ++_runs;
        var start = CounterSnapshot.Take();

        // Wire the chain: sink first, then hops from the end, so nothing is published before its reader subscribed.
        var sink = _client.GetGrain<IStreamSinkGrain>($"{run}");
        await sink.StartAsync(run, hops);
        var hopGrains = new IStreamHopGrain[hops];
        for (var h = hops; h >= 1; h--)
        {
            hopGrains[h - 1] = _client.GetGrain<IStreamHopGrain>($"{run}/{h}");
            await hopGrains[h - 1].StartAsync(run, h, (float)factor);
        }

        var stream = _client.GetStreamProvider(Provider).GetStream<StreamBatch>(Stream(run, 0));
        var totalBatches = (elements + batch - 1) / batch;
        // One buffer for the whole run: memory streams serialize the event when it is queued (OnNextAsync has
        // returned by then), so the source may refill it. What travels is the queue's copy.
        var buffer = new byte[batch * sizeof(float)];
        long acked = 0, waits = 0, produced = 0;
        for (long seq = 0; seq < totalBatches; seq++)
        {
            if (seq - acked >= _window)
            {
                try
                {
                    acked = await sink.WaitForAsync(seq - _window / 2 + 1);
                }
                catch (TimeoutException e)
                {
                    throw new BenchmarkFailedException($"{Name}: the sink stopped acknowledging at {acked} of {totalBatches} batches: {e.Message}");
                }
                waits++;
            }
            var n = (int)Math.Min(batch, elements - produced);
            Fill(buffer, n, produced);
            produced += n;
            var payload = n == batch ? buffer : buffer.AsSpan(0, n * sizeof(float)).ToArray();
            await stream.OnNextAsync(new StreamBatch(run, seq, n, payload));
        }
        var final = await sink.WaitForAsync(totalBatches);
        var end = Stopwatch.GetTimestamp();
        var sample = CounterSnapshot.Since(start, end, elements, dagSeconds: null);

        var result = await sink.ResultAsync();
        // Tear down outside the measured time: unsubscribe and let the activations go.
        await Task.WhenAll(hopGrains.Select(g => g.StopAsync()).Append(sink.StopAsync()));

        if (result.Error is not null) throw new BenchmarkFailedException($"{Name}: sink: {result.Error}");
        if (final < totalBatches || result.Batches != totalBatches || result.Elements != elements)
            throw new BenchmarkFailedException($"{Name}: sink counted {result.Elements} elements in {result.Batches} batches, expected {elements} in {totalBatches}");
        _notes.Clear();
        _notes.Add($"every run's sink counted exactly the run's elements, batches in sequence (checked); last run: the source waited on the window {waits} times");
        _notes.Add("events are byte[] (the float32 data reinterpreted): memory streams serialize each event into the queue and deserialize it for the consumer "
            + "even inside one silo, so [Immutable] does not save the copy, and a float[] would go through Orleans' per-element array codec");
        return sample;
    }

    private static void Fill(byte[] buffer, int n, long first)
    {
        var floats = MemoryMarshal.Cast<byte, float>(buffer.AsSpan());
        for (var i = 0; i < n; i++) floats[i] = first + i;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }

    /// <summary>Dagger's scale kernel for a float32-exact factor (as DataflowChain uses), here over the event's bytes.</summary>
    public static void Multiply(Span<float> data, float factor)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && data.Length >= Vector<float>.Count)
        {
            var f = new Vector<float>(factor);
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(data);
            for (var v = 0; v < vectors.Length; v++) vectors[v] *= f;
            i = vectors.Length * Vector<float>.Count;
        }
        for (; i < data.Length; i++) data[i] *= factor;
    }
}

/// <summary>One stream event: one batch of float32 elements carried as bytes.</summary>
[GenerateSerializer, Immutable]
public sealed record StreamBatch([property: Id(0)] int Run, [property: Id(1)] long Seq, [property: Id(2)] int Count, [property: Id(3)] byte[] Data);

[GenerateSerializer]
public sealed record StreamSinkResult([property: Id(0)] long Batches, [property: Id(1)] long Elements, [property: Id(2)] string? Error);

public interface IStreamHopGrain : IGrainWithStringKey
{
    /// <summary>Subscribes to stream <paramref name="hop"/> - 1 of <paramref name="run"/>; forwards to stream <paramref name="hop"/>.</summary>
    Task StartAsync(int run, int hop, float factor);

    Task StopAsync();
}

public interface IStreamSinkGrain : IGrainWithStringKey
{
    /// <summary>Subscribes to the last stream (<paramref name="hops"/>) of <paramref name="run"/>.</summary>
    Task StartAsync(int run, int hops);

    /// <summary>Answers with the batches counted so far once they reach <paramref name="batches"/> (or the sink failed).</summary>
    [AlwaysInterleave]
    Task<long> WaitForAsync(long batches);

    Task<StreamSinkResult> ResultAsync();

    Task StopAsync();
}

public sealed class StreamHopGrain : Grain, IStreamHopGrain
{
    private StreamSubscriptionHandle<StreamBatch>? _subscription;

    public async Task StartAsync(int run, int hop, float factor)
    {
        var provider = this.GetStreamProvider(StreamsChain.Provider);
        var output = provider.GetStream<StreamBatch>(StreamsChain.Stream(run, hop));
        _subscription = await provider.GetStream<StreamBatch>(StreamsChain.Stream(run, hop - 1)).SubscribeAsync(async (b, _) =>
        {
            StreamsChain.Multiply(MemoryMarshal.Cast<byte, float>(b.Data.AsSpan(0, b.Count * sizeof(float))), factor);
            await output.OnNextAsync(b);
        });
    }

    public async Task StopAsync()
    {
        if (_subscription is not null) await _subscription.UnsubscribeAsync();
        _subscription = null;
        DeactivateOnIdle();
    }
}

public sealed class StreamSinkGrain : Grain, IStreamSinkGrain
{
    private StreamSubscriptionHandle<StreamBatch>? _subscription;
    private long _batches, _elements;
    private string? _error;
    private readonly List<(long Batches, TaskCompletionSource<long> Done)> _waiters = [];

    public async Task StartAsync(int run, int hops)
    {
        var provider = this.GetStreamProvider(StreamsChain.Provider);
        _subscription = await provider.GetStream<StreamBatch>(StreamsChain.Stream(run, hops)).SubscribeAsync((b, _) =>
        {
            if (b.Run != run || b.Seq != _batches) _error ??= $"expected batch {_batches} of run {run}, got batch {b.Seq} of run {b.Run}";
            _batches++;
            _elements += b.Count;
            Release();
            return Task.CompletedTask;
        });
    }

    public Task<long> WaitForAsync(long batches)
    {
        if (_batches >= batches || _error is not null) return Task.FromResult(_batches);
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Add((batches, done));
        return done.Task;
    }

    private void Release()
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_batches < _waiters[i].Batches && _error is null) continue;
            _waiters[i].Done.TrySetResult(_batches);
            _waiters.RemoveAt(i);
        }
    }

    public Task<StreamSinkResult> ResultAsync() => Task.FromResult(new StreamSinkResult(_batches, _elements, _error));

    public async Task StopAsync()
    {
        if (_subscription is not null) await _subscription.UnsubscribeAsync();
        _subscription = null;
        DeactivateOnIdle();
    }
}
