using System.Diagnostics;
using HdrHistogram;

namespace Dagger.Orleans.Bench.Latency;

/// <summary>p50, p99 and max of a latency histogram (Stopwatch ticks), in microseconds, divided over <c>hops</c>.</summary>
public sealed record LatencyStats(double P50Micros, double P99Micros, double MaxMicros, long Count)
{
    public static LatencyStats From(LongHistogram histogram, int hops)
    {
        double Micros(long ticks) => ticks * 1e6 / Stopwatch.Frequency / hops;
        return new LatencyStats(Micros(histogram.GetValueAtPercentile(50)), Micros(histogram.GetValueAtPercentile(99)), Micros(histogram.GetMaxValue()), histogram.TotalCount);
    }
}
