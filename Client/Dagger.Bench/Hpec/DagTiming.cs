using System.Diagnostics;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Bench.Hpec;

/// <summary>
/// Steady-state throughput of a DAG: the same DAG run twice, over a few and over many repetitions of its data set.
/// The difference (work of the extra repetitions ÷ extra time) leaves out what every run pays once — activating the
/// nodes, loading kernels, the first batch's trip through the pipeline — so what remains is the DAG's streaming rate.
/// </summary>
internal static class DagTiming
{
    /// <summary>Repetitions per second of data set through the DAG <paramref name="spec"/> builds for a repetition count.</summary>
    /// <param name="check">Checks the finished run (e.g. a sink's result for that many repetitions); returns a problem or null.</param>
    public static async Task<double> RepetitionsPerSecondAsync(
        DaggerClient client, Func<long, DagSpec> spec, long few, long many, Func<DagStatus, long, string?>? check, CancellationToken cancellation)
    {
        var brief = await RunAsync(client, spec, few, check, cancellation);
        var full = await RunAsync(client, spec, many, check, cancellation);
        var extra = full - brief;
        // When the runs are so short that start-up is most of them, their difference is mostly noise: take the long
        // run's plain average then (start-up included, so it errs low).
        return extra > full * 0.25 ? (many - few) / extra.TotalSeconds : many / full.TotalSeconds;
    }

    private static async Task<TimeSpan> RunAsync(DaggerClient client, Func<long, DagSpec> spec, long repetitions, Func<DagStatus, long, string?>? check, CancellationToken cancellation)
    {
        var dag = spec(repetitions);
        var clock = Stopwatch.StartNew();
        var run = await client.SubmitAsync(dag);
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cancellation);
        var elapsed = clock.Elapsed;
        if (status.State != DagState.Completed)
            throw new InvalidOperationException($"DAG '{dag.Name}' ({repetitions} repetitions) ended {status.State}: {status.Error}");
        if (check?.Invoke(status, repetitions) is { } problem)
            throw new InvalidOperationException($"DAG '{dag.Name}' ({repetitions} repetitions): {problem}");
        return elapsed;
    }

    /// <summary>Calls <paramref name="once"/> (after one unmeasured call) until <paramref name="atLeast"/> has passed; calls per second.</summary>
    public static double CallsPerSecond(Action once, TimeSpan atLeast, CancellationToken cancellation)
    {
        once();
        var calls = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            cancellation.ThrowIfCancellationRequested();
            once();
            calls++;
        }
        while (clock.Elapsed < atLeast);
        return calls / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The count sink's result as a number (its result is the JSON of the count).</summary>
    public static long Count(DagStatus status, string sink) =>
        status.Results.TryGetValue(sink, out var json) && long.TryParse(json, out var count) ? count : -1;
}
