using System.Diagnostics;

namespace Dagger.Orleans.Bench.Measuring;

/// <summary>The measured runs of one case: a rate (or time) per run, summarised by its median.</summary>
public sealed record Measurement(IReadOnlyList<double> Samples)
{
    public double Median => Stats.Median(Samples);
    public double Min => Samples.Count == 0 ? double.NaN : Samples.Min();
    public double Max => Samples.Count == 0 ? double.NaN : Samples.Max();

    /// <summary>Half the min–max range over the median, in percent.</summary>
    public double SpreadPercent => Median > 0 ? (Max - Min) / 2 / Median * 100 : double.NaN;
}

public static class Stats
{
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>Warm-up then repeated measures, from a collected heap each time.</summary>
public static class Measure
{
    /// <summary>Calls <paramref name="once"/> until <paramref name="atLeast"/> has passed (at least once): lets the tiered JIT reach its final code.</summary>
    public static async Task WarmUpAsync(Func<CancellationToken, Task> once, TimeSpan atLeast, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        do await once(cancellationToken);
        while (clock.Elapsed < atLeast);
    }

    /// <summary><paramref name="warmups"/> unmeasured calls, then <paramref name="runs"/> measured ones; each call returns its own rate.</summary>
    public static async Task<Measurement> RepeatAsync(Func<CancellationToken, Task<double>> once, int warmups, int runs, CancellationToken cancellationToken)
    {
        for (var i = 0; i < warmups; i++) await once(cancellationToken);
        var samples = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            Settle();
            samples.Add(await once(cancellationToken));
        }
        return new Measurement(samples);
    }

    /// <summary>
    /// Measured runs of several cases taken in turns (a, b, c, a, b, c, ...), so a drift over the process's life
    /// (JIT tiers, heap growth, a neighbour's load) spreads over every case instead of favouring one.
    /// </summary>
    public static async Task<Measurement[]> InTurnsAsync(IReadOnlyList<Func<CancellationToken, Task<double>>> cases, int runs, CancellationToken cancellationToken)
    {
        var samples = new List<double>[cases.Count];
        for (var c = 0; c < cases.Count; c++) samples[c] = new List<double>(runs);
        for (var r = 0; r < runs; r++)
        {
            for (var c = 0; c < cases.Count; c++)
            {
                Settle();
                samples[c].Add(await cases[c](cancellationToken));
            }
        }
        return [.. samples.Select(s => new Measurement(s))];
    }

    /// <summary>Starts a measured run from a collected heap, so one run's garbage is not charged to the next.</summary>
    public static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}

/// <summary>A benchmark run that produced a wrong result (a lost element, a failed DAG): its number would be meaningless.</summary>
public sealed class BenchmarkFailedException(string message) : Exception(message);
