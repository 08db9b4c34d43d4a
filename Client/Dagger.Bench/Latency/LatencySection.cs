using System.Diagnostics;
using System.Threading.Channels;
using Dagger.Orleans.Bench.Chain;
using Dagger.Orleans.Bench.Harness;
using Dagger.Orleans.Bench.Measuring;
using Dagger.Orleans.Bench.Servers;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using HdrHistogram;

namespace Dagger.Orleans.Bench.Latency;

/// <summary>
/// Per-hop latency per transport: small batches at a low rate through a k-edge chain (bench-stamp → scale × (k−1) →
/// bench-latency), source timestamp to sink, divided by k. Baselines, one hop each at the same rate: a
/// <see cref="Channel{T}"/> hop between two tasks (memory), raw NATS.Net JetStream, raw MQTTnet QoS 1.
/// </summary>
public sealed class LatencySection : IBenchSection
{
    public const int Hops = 4;
    public const int Batch = 16;

    public string Name => "latency";

    public string Title => "per-hop latency p50/p99/max per transport vs Channel<T>, raw NATS.Net and MQTTnet";

    private sealed record Sizes(int Batches, TimeSpan Interval);

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var sizes = context.Quick ? new Sizes(40, TimeSpan.FromMilliseconds(5)) : new Sizes(500, TimeSpan.FromMilliseconds(5));
        var rows = new List<BenchRow>();
        var measured = new List<(string Transport, LatencyStats Dagger, LatencyStats Baseline)>();

        await MeasureAsync(context, rows, measured, "memory", "Channel<T> hop", sizes, async (owned, ct) =>
        {
            var silo = owned.Add(await BenchSilo.StartAsync(ct));
            return (silo, Transports.Memory, c => ChannelHopAsync(sizes, c));
        }, cancellationToken);
        await MeasureAsync(context, rows, measured, "NATS", "raw NATS.Net JetStream", sizes, async (owned, ct) =>
        {
            var broker = owned.Add(await BrokerProcess.StartNatsAsync(ct));
            var url = $"nats://127.0.0.1:{broker.Port}";
            var raw = owned.Add(await RawNats.ConnectAsync(url, ct));
            var silo = owned.Add(await BenchSilo.StartNatsAsync(url, ct));
            return (silo, Transports.Nats, c => raw.LatencyAsync(sizes.Batches, Batch * sizeof(long), sizes.Interval, c));
        }, cancellationToken);
        await MeasureAsync(context, rows, measured, "MQTT", "raw MQTTnet QoS 1", sizes, async (owned, ct) =>
        {
            var broker = owned.Add(await BrokerProcess.StartMosquittoAsync(ct));
            var raw = owned.Add(await RawMqtt.ConnectAsync(broker.Port, ct));
            var silo = owned.Add(await BenchSilo.StartMqttAsync(broker.Port, ct));
            return (silo, Transports.Mqtt, c => raw.LatencyAsync(sizes.Batches, Batch * sizeof(long), sizes.Interval, c));
        }, cancellationToken);

        context.Notes.Add($"Dagger: bench-stamp → scale × {Hops - 1} → bench-latency, {Hops} edges on the transport, batches of {Batch} int64 timestamps, "
            + $"one every {sizes.Interval.TotalMilliseconds:F0} ms, {sizes.Batches} batches after a warm-up run; the source's timestamp is read at the sink, and the "
            + $"whole path's latency divided by {Hops} (p99 and max too, so they are per-hop averages of slow paths, not the slowest single hop).");
        context.Notes.Add($"Baselines: one hop each, same payload and pacing: a Channel<long[]> between two tasks; raw JetStream publish (awaited PubAck) → pull consumer; raw MQTT QoS 1 publish → subscriber.");
        context.Notes.Add("Ratio = baseline ÷ Dagger: 1 means a Dagger hop costs what the bare transport costs; a Dagger hop also crosses grain turns, the inbox and the operator.");
        if (measured.Count > 0)
        {
            string[] categories = [.. measured.Select(m => m.Transport)];
            context.Plots.Add(new BenchPlot("latency-per-hop", "Per-hop latency (lower is better)", "µs per hop", [
                new("Dagger p50", [.. measured.Select(m => m.Dagger.P50Micros)]),
                new("Dagger p99", [.. measured.Select(m => m.Dagger.P99Micros)]),
                new("baseline p50", [.. measured.Select(m => m.Baseline.P50Micros)]),
                new("baseline p99", [.. measured.Select(m => m.Baseline.P99Micros)]),
            ], categories, LogY: true));
        }
        return rows;
    }

    /// <summary>What a case started (broker, clients, silo), stopped in reverse order however the case ends: no server outlives it.</summary>
    private sealed class Owned : IAsyncDisposable
    {
        private readonly Stack<IAsyncDisposable> _items = new();

        public T Add<T>(T item) where T : IAsyncDisposable
        {
            _items.Push(item);
            return item;
        }

        public async ValueTask DisposeAsync()
        {
            while (_items.TryPop(out var item)) await item.DisposeAsync();
        }
    }

    private static async Task MeasureAsync(BenchContext context, List<BenchRow> rows, List<(string, LatencyStats, LatencyStats)> measured,
        string label, string baselineName, Sizes sizes,
        Func<Owned, CancellationToken, Task<(BenchSilo Silo, string Transport, Func<CancellationToken, Task<LongHistogram>> Baseline)>> start,
        CancellationToken ct)
    {
        try
        {
            await using var owned = new Owned();
            var (silo, transport, baseline) = await start(owned, ct);
            await DaggerAsync(silo.Client, transport, Math.Max(5, sizes.Batches / 5), sizes.Interval, ct);
            var dagger = LatencyStats.From(await DaggerAsync(silo.Client, transport, sizes.Batches, sizes.Interval, ct), Hops);
            await baseline(ct);
            var raw = LatencyStats.From(await baseline(ct), 1);
            context.Log.WriteLine($"  latency {label}: Dagger p50 {dagger.P50Micros:F0} µs/hop, p99 {dagger.P99Micros:F0}; {baselineName} p50 {raw.P50Micros:F0}, p99 {raw.P99Micros:F0}");
            var caseName = $"{label} edges, {Hops} hops, batch {Batch}";
            rows.Add(new BenchRow("latency", $"{caseName}: p50 per hop", "µs", dagger.P50Micros, baselineName, raw.P50Micros, HigherIsBetter: false));
            rows.Add(new BenchRow("latency", $"{caseName}: p99 per hop", "µs", dagger.P99Micros, baselineName, raw.P99Micros, HigherIsBetter: false));
            rows.Add(new BenchRow("latency", $"{caseName}: max per hop", "µs", dagger.MaxMicros, baselineName, raw.MaxMicros, HigherIsBetter: false,
                Note: $"{dagger.Count} batches measured"));
            measured.Add((label, dagger, raw));
        }
        catch (BenchmarkFailedException e)
        {
            context.Failures.Add($"{label} latency: {e.Message}");
        }
    }

    public static DagSpec Spec(string transport, int batches, TimeSpan interval, string probe)
    {
        var b = new DagBuilder("bench-latency").Defaults(transport: transport, batch: Batch)
            .Node("stamp", "bench-stamp", new { count = batches, interval_ms = interval.TotalMilliseconds });
        var previous = "stamp";
        for (var h = 1; h < Hops; h++)
        {
            var id = $"hop{h}";
            b.Node(id, "scale", new { factor = 1.0 }).Edge(previous, id);
            previous = id;
        }
        return b.Node("sink", "bench-latency", new { probe }).Edge(previous, "sink").Build();
    }

    private static async Task<LongHistogram> DaggerAsync(DaggerClient client, string transport, int batches, TimeSpan interval, CancellationToken ct)
    {
        var probe = Guid.NewGuid().ToString("N");
        LatencyProbe.Get(probe);
        var run = await client.SubmitAsync(Spec(transport, batches, interval, probe));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var status = await run.WaitAsync(TimeSpan.FromSeconds(5), timeout.Token);
        var histogram = LatencyProbe.Remove(probe).Histogram;
        if (status.State != DagState.Completed) throw new BenchmarkFailedException($"latency DAG on {transport} edges ended {status.State}: {status.Error}");
        if (histogram.TotalCount != batches) throw new BenchmarkFailedException($"latency DAG on {transport} edges: the sink saw {histogram.TotalCount} batches, expected {batches}");
        return histogram;
    }

    /// <summary>The memory baseline: one Channel hop between a pacing writer and a reader task, same batch and rate.</summary>
    private static async Task<LongHistogram> ChannelHopAsync(Sizes sizes, CancellationToken ct)
    {
        var histogram = new LongHistogram(TimeStamp.Seconds(60), 3);
        var channel = Channel.CreateBounded<long[]>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(async () =>
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(ct)) histogram.RecordValue(Stopwatch.GetTimestamp() - batch[0]);
        }, ct);
        for (var i = 0; i < sizes.Batches; i++)
        {
            await Task.Delay(sizes.Interval, ct);
            var batch = new long[Batch];
            Array.Fill(batch, Stopwatch.GetTimestamp());
            await channel.Writer.WriteAsync(batch, ct);
        }
        channel.Writer.Complete();
        await reading;
        return histogram;
    }
}
