using System.Diagnostics;

namespace Dagger.Orleans.Benchmarks;

/// <summary>One chain run as measured around it.</summary>
internal sealed record RunSample
{
    public required long Elements { get; init; }
    /// <summary>Submit (or first send) to completion, as the caller sees it.</summary>
    public required double WallSeconds { get; init; }
    /// <summary>The product's own stats (<c>DagStatus.Seconds</c>: submission accepted to last sink finished); null for Dataflow.</summary>
    public double? DagSeconds { get; init; }
    /// <summary><see cref="GC.GetTotalAllocatedBytes(bool)"/> delta over the run: every thread of the process.</summary>
    public required long AllocatedBytes { get; init; }
    public required int Gen0 { get; init; }
    public required int Gen1 { get; init; }
    public required int Gen2 { get; init; }
    public required double GcPauseMs { get; init; }

    public double ElementsPerSecond => Elements / WallSeconds;
    public double? DagElementsPerSecond => DagSeconds is { } s and > 0 ? Elements / s : null;
    public double BytesPerElement => (double)AllocatedBytes / Elements;
}

/// <summary>Process-wide counters read before and after a run.</summary>
internal readonly struct CounterSnapshot
{
    private readonly long _allocated;
    private readonly int _gen0, _gen1, _gen2;
    private readonly TimeSpan _pause;
    private readonly long _ticks;

    private CounterSnapshot(long allocated, int gen0, int gen1, int gen2, TimeSpan pause, long ticks)
    {
        _allocated = allocated;
        (_gen0, _gen1, _gen2) = (gen0, gen1, gen2);
        _pause = pause;
        _ticks = ticks;
    }

    public static CounterSnapshot Take() => new(
        GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
        GC.GetTotalPauseDuration(), Stopwatch.GetTimestamp());

    /// <summary>A sample from the counters' change since <paramref name="start"/>; wall time ends at <paramref name="wallEnd"/>.</summary>
    public static RunSample Since(CounterSnapshot start, long wallEnd, long elements, double? dagSeconds)
    {
        var end = Take();
        return new RunSample
        {
            Elements = elements,
            WallSeconds = Stopwatch.GetElapsedTime(start._ticks, wallEnd).TotalSeconds,
            DagSeconds = dagSeconds,
            AllocatedBytes = end._allocated - start._allocated,
            Gen0 = end._gen0 - start._gen0,
            Gen1 = end._gen1 - start._gen1,
            Gen2 = end._gen2 - start._gen2,
            GcPauseMs = (end._pause - start._pause).TotalMilliseconds,
        };
    }
}

/// <summary>A configuration's measured runs.</summary>
internal sealed class ConfigResult(string name, string description)
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    public List<RunSample> Samples { get; } = [];
    public int WarmupRuns { get; set; }
    public double WarmupSeconds { get; set; }
    /// <summary>Why the warm-up stopped.</summary>
    public string? WarmupEnd { get; set; }
    /// <summary>Anything worth a line under the table (placement, caveats).</summary>
    public List<string> Notes { get; } = [];

    public double MedianElementsPerSecond => Stats.Median(Samples.Select(s => s.ElementsPerSecond));
    public double MinElementsPerSecond => Samples.Min(s => s.ElementsPerSecond);
    public double MaxElementsPerSecond => Samples.Max(s => s.ElementsPerSecond);
    public double? MedianDagElementsPerSecond => Samples.All(s => s.DagElementsPerSecond is not null)
        ? Stats.Median(Samples.Select(s => s.DagElementsPerSecond!.Value))
        : null;
    public double MedianBytesPerElement => Stats.Median(Samples.Select(s => s.BytesPerElement));
    public double MinBytesPerElement => Samples.Min(s => s.BytesPerElement);
    public double MaxBytesPerElement => Samples.Max(s => s.BytesPerElement);
}

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Half the min–max range relative to the median, in percent: a plain run-to-run spread.</summary>
    public static double SpreadPercent(double median, double min, double max) => median > 0 ? (max - min) / 2 / median * 100 : double.NaN;
}

internal sealed class BenchmarkFailedException(string message) : Exception(message);
