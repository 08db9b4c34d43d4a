using System.Diagnostics;

namespace Dagger.Orleans.Benchmarks;

/// <summary>
/// The <c>chain</c> mode: the Dataflow baseline, Dagger embedded and Dagger on 2 silos, each warmed up and then
/// measured; the baseline runs again at the end so drift over the process's life shows.
/// </summary>
internal static class ChainBenchmark
{
    public static async Task<int> RunAsync(BenchOptions o)
    {
        var report = new Report(o);
        Console.Error.WriteLine($"chain: {o.Elements:N0} float32 elements, batch {o.Batch}, {o.Hops} x scale, {o.Repeat} measured runs, warm-up {o.WarmupSeconds}-{o.WarmupMaxSeconds} s");
        var all = Stopwatch.StartNew();

        ConfigResult? baseline = null;
        DataflowChain? dataflow = null;
        var baselineRuns = Math.Max(o.Repeat, 10);
        if (o.Only.Contains(Configs.Dataflow))
        {
            dataflow = new DataflowChain(o.ScalarBaseline);
            baseline = new ConfigResult(dataflow.Name, dataflow.Description);
            await WarmUpAsync(dataflow, baseline, o);
            await MeasureAsync(dataflow, baseline, o, baselineRuns, "before");
            report.Add(baseline);
        }
        if (o.Only.Contains(Configs.Embedded))
        {
            await using var embedded = await DaggerChain.StartEmbeddedAsync();
            report.Add(await WarmUpAndMeasureAsync(embedded, o));
        }
        if (o.Only.Contains(Configs.TwoSilo))
        {
            await using var twoSilo = await DaggerChain.StartTwoSilosAsync();
            report.Add(await WarmUpAndMeasureAsync(twoSilo, o));
        }
        if (o.Only.Contains(Configs.OrleansStreams))
        {
            // Same chain, Orleans memory streams between plain grains; optionally over fewer elements (it is ~100x slower).
            var so = o with { Elements = o.StreamElements ?? o.Elements };
            await using var streams = await StreamsChain.StartAsync(o.StreamWindow, o.StreamQueues, o.StreamPollMs);
            var result = await WarmUpAndMeasureAsync(streams, so);
            if (so.Elements != o.Elements)
                result.Notes.Add($"measured runs of {so.Elements:N0} elements (--stream-elements), not {o.Elements:N0}: rates are per second, so the columns still compare");
            report.Add(result);
        }
        if (dataflow is not null && baseline is not null && o.Only.Count > 1)
        {
            var before = baseline.MedianElementsPerSecond;
            var firstAfter = baseline.Samples.Count;
            await MeasureAsync(dataflow, baseline, o, baselineRuns, "after");
            var after = Stats.Median(baseline.Samples.Skip(firstAfter).Select(s => s.ElementsPerSecond));
            baseline.Notes.Add($"{baselineRuns} runs before the Dagger configurations (median {Report.Meps(before)} M el/s) and {baselineRuns} after (median {Report.Meps(after)} M el/s); the row pools both");
        }
        if (dataflow is not null) baseline!.Notes.AddRange(dataflow.Notes);

        Console.Error.WriteLine($"measured in {all.Elapsed.TotalSeconds:F0} s");
        if (o.Profile) await AllocBreakdown.RunAsync(o with { WarmupSeconds = Math.Min(o.WarmupSeconds, 1) }, report);
        report.Print(Console.Out);
        report.Write();
        return 0;
    }

    private static async Task<ConfigResult> WarmUpAndMeasureAsync(IChainTarget target, BenchOptions o)
    {
        var result = new ConfigResult(target.Name, target.Description);
        await WarmUpAsync(target, result, o);
        await MeasureAsync(target, result, o, o.Repeat, label: null);
        result.Notes.AddRange(target.Notes);
        return result;
    }

    /// <summary>
    /// Runs of at most 2M elements (or the full count if smaller) for at least the warm-up time, then on while the
    /// throughput still climbs (median of the last <see cref="Window"/> runs more than 10% above the window before),
    /// up to the warm-up cap. One run, or a fixed 3 s, is not steady state here: the tiered JIT (with PGO) takes
    /// Dagger from ~10 to ~80-130 M el/s embedded somewhere between 3 and 7 s into the process's life.
    /// </summary>
    public static async Task WarmUpAsync(IChainTarget target, ConfigResult result, BenchOptions o)
    {
        var elements = Math.Min(o.Elements, 2_000_000);
        var clock = Stopwatch.StartNew();
        var rates = new List<double>();
        var trace = Environment.GetEnvironmentVariable("BENCH_TRACE_WARMUP") == "1";
        string? why;
        while (true)
        {
            var s = await target.RunAsync(elements, o.Batch, o.Hops, o.Factor);
            rates.Add(s.ElementsPerSecond);
            var elapsed = clock.Elapsed.TotalSeconds;
            if (trace) Console.Error.WriteLine($"    warm-up {rates.Count} at {elapsed:F1} s: {Report.Meps(s.ElementsPerSecond)} M el/s");
            if (elapsed < o.WarmupSeconds) continue;
            if (elapsed >= o.WarmupMaxSeconds)
            {
                why = "cap reached";
                break;
            }
            if (rates.Count >= 2 * Window)
            {
                var last = Stats.Median(rates.TakeLast(Window));
                var before = Stats.Median(rates.SkipLast(Window).TakeLast(Window));
                if (last <= before * 1.1)
                {
                    why = $"throughput flat ({Report.Meps(before)} -> {Report.Meps(last)} M el/s over the last {2 * Window} runs)";
                    break;
                }
            }
        }
        result.WarmupRuns += rates.Count;
        result.WarmupSeconds += clock.Elapsed.TotalSeconds;
        result.WarmupEnd = why;
        Console.Error.WriteLine($"  {target.Name}: warmed up with {rates.Count} runs of {elements:N0} in {clock.Elapsed.TotalSeconds:F1} s: {why}");
    }

    private const int Window = 5;

    public static async Task MeasureAsync(IChainTarget target, ConfigResult result, BenchOptions o, int runs, string? label)
    {
        for (var r = 0; r < runs; r++)
        {
            await SettleAsync();
            var s = await target.RunAsync(o.Elements, o.Batch, o.Hops, o.Factor);
            result.Samples.Add(s);
            Console.Error.WriteLine(
                $"  {target.Name}{(label is null ? "" : $" ({label})")} run {r + 1}/{runs}: {s.WallSeconds:F3} s wall, {Report.Meps(s.ElementsPerSecond)} M el/s" +
                (s.DagSeconds is { } d ? $" (DAG stats {d:F3} s)" : "") +
                $", {s.BytesPerElement:F3} B/el, GCs {s.Gen0}/{s.Gen1}/{s.Gen2}");
        }
    }

    /// <summary>Lets the previous run's teardown finish and starts the next run from a collected heap.</summary>
    public static async Task SettleAsync()
    {
        await Task.Delay(100);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
