using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;
using HdrHistogram;

namespace Dagger.Orleans.Bench.Latency;

/// <summary>
/// Latency source of the bench: every <c>interval_ms</c>, one batch whose int64 elements are all
/// <see cref="Stopwatch.GetTimestamp"/> taken as it is written. Only meaningful with its sink in the same process.
/// </summary>
[Operator("bench-stamp", Summary = "benchmark use: batches of the current Stopwatch timestamp, one every interval_ms")]
public sealed class StampOperator : SourceOperator
{
    private long _emitted;

    [Arg("count", Required = true, Minimum = 1, Description = "how many batches")] public long Count { get; set; }

    [Arg("interval_ms", Minimum = 0, Description = "pause before each batch, in milliseconds (default 5)")] public double IntervalMs { get; set; } = 5;

    public override async ValueTask<bool> ProduceAsync(OutputBuffer output, CancellationToken cancellation)
    {
        if (IntervalMs > 0) await Task.Delay(TimeSpan.FromMilliseconds(IntervalMs), cancellation);
        var now = Stopwatch.GetTimestamp();
        for (var done = 0; done < BatchSize;)
        {
            var room = output.Next<long>(BatchSize - done);
            room.Fill(now);
            output.Advance(room.Length);
            done += room.Length;
        }
        return ++_emitted < Count;
    }
}

/// <summary>Latency sink of the bench: records now − the first element's timestamp of each batch into the probe named <c>probe</c>.</summary>
[Operator("bench-latency", Summary = "benchmark use: records each batch's age (now − its bench-stamp timestamp) into an in-process probe")]
public sealed class LatencySinkOperator : SinkOperator
{
    private long _batches;

    [Arg("probe", Required = true, Description = "name of the in-process probe that collects the latencies")] public string Probe { get; set; } = "";

    public override void Consume(InputBatch input)
    {
        if (input.Count == 0) return;
        long stamp = input.Kind switch
        {
            ElementKind.Int64 => input.Int64s[0],
            ElementKind.Float64 => (long)input.Float64s[0],
            _ => throw new InvalidOperationException($"bench-latency node {NodeId}: expected int64 or float64 timestamps from bench-stamp, got {input.Kind}"),
        };
        LatencyProbe.Get(Probe).Record(Stopwatch.GetTimestamp() - stamp);
        _batches++;
    }

    public override void WriteResult(Utf8JsonWriter writer) => writer.WriteNumberValue(_batches);
}

/// <summary>Where <see cref="LatencySinkOperator"/> nodes of this process put their latencies, by probe name.</summary>
public sealed class LatencyProbe
{
    private static readonly ConcurrentDictionary<string, LatencyProbe> Probes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public LongHistogram Histogram { get; } = new(TimeStamp.Seconds(60), 3);

    public static LatencyProbe Get(string name) => Probes.GetOrAdd(name, _ => new LatencyProbe());

    public static LatencyProbe Remove(string name) => Probes.TryRemove(name, out var probe) ? probe : new LatencyProbe();

    public void Record(long ticks)
    {
        lock (_lock) Histogram.RecordValue(Math.Max(0, ticks));
    }
}
