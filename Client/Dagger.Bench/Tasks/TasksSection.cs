using System.Diagnostics;
using System.Globalization;
using Dagger.Orleans.Bench.Harness;
using Dagger.Orleans.Bench.Measuring;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Bench.Tasks;

/// <summary>
/// Independent finite tasks per second on the embedded silo, in the two forms a user has: many small DAG runs submitted
/// concurrently through <see cref="DaggerClient"/> (a task = one run of <c>range(count 1) → sum</c>), and one DAG of many
/// independent node pairs (a task = one <c>range → sum</c> pair). Baseline: <c>Task.Run</c> of the same work.
/// Goal (issue 7): ≥ 20k tasks/s embedded on 2 cores.
/// </summary>
public sealed class TasksSection : IBenchSection
{
    public const double GoalTasksPerSecond = 20_000;
    public const int InFlight = 64;

    public string Name => "tasks";

    public string Title => "independent finite tasks per second, embedded, vs Task.Run";

    private sealed record Sizes(int Runs, int Pairs, int Repeats);

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var sizes = context.Quick ? new Sizes(200, 100, 1) : new Sizes(4000, 2000, 3);
        var rows = new List<BenchRow>();
        await using var silo = await BenchSilo.StartAsync(cancellationToken);
        var client = silo.Client;

        var breakdown = new SubmitBreakdown();
        var runs = await Measure.RepeatAsync(c => ManyRunsAsync(client, sizes.Runs, breakdown, c), 1, sizes.Repeats, cancellationToken);
        var pairs = await Measure.RepeatAsync(c => OneWideDagAsync(client, sizes.Pairs, c), 1, sizes.Repeats, cancellationToken);
        var fewPairs = await Measure.RepeatAsync(c => OneWideDagAsync(client, sizes.Pairs / 10, c), 1, sizes.Repeats, cancellationToken);
        var taskRun = await Measure.RepeatAsync(c => TaskRunAsync(sizes.Runs * 10, c), 1, sizes.Repeats, cancellationToken);
        var calls = await Measure.RepeatAsync(c => StatusCallsAsync(client, sizes.Runs * 4, c), 1, sizes.Repeats, cancellationToken);
        var activations = await Measure.RepeatAsync(c => ActivationsAsync(silo.Grains, sizes.Runs * 2, c), 1, sizes.Repeats, cancellationToken);
        context.Log.WriteLine($"  tasks: runs {runs.Median:F0}/s, node pairs {pairs.Median:F0}/s, Task.Run {taskRun.Median:F0}/s, status calls {calls.Median:F0}/s, "
            + $"bare activations {activations.Median:F0}/s");

        rows.Add(new BenchRow("tasks", $"small DAG runs, {InFlight} in flight (goal)", "tasks/s", runs.Median, "issue 7 goal", GoalTasksPerSecond, 1.0));
        rows.Add(new BenchRow("tasks", $"small DAG runs, {InFlight} in flight", "tasks/s", runs.Median, "Task.Run", taskRun.Median,
            Note: breakdown.Describe()));
        rows.Add(new BenchRow("tasks", $"independent node pairs in one DAG ({sizes.Pairs:N0} pairs) (goal)", "tasks/s", pairs.Median, "issue 7 goal", GoalTasksPerSecond, 1.0));
        rows.Add(new BenchRow("tasks", $"independent node pairs in one DAG ({sizes.Pairs:N0} pairs)", "tasks/s", pairs.Median, "Task.Run", taskRun.Median));
        rows.Add(new BenchRow("tasks", $"independent node pairs in one DAG ({sizes.Pairs / 10:N0} pairs)", "tasks/s", fewPairs.Median, "Task.Run", taskRun.Median,
            Note: "the same DAG a tenth the size: a per-pair rate that falls as the DAG grows means per-node work that grows with the DAG"));
        context.Notes.Add($"A task is the smallest finite unit a user submits: one DAG run of range(count 1) → sum through DaggerClient ({sizes.Runs:N0} runs, {InFlight} awaited at a time, "
            + $"each from SubmitAsync to its terminal status), or one range(count 1) → sum pair in a DAG of {sizes.Pairs:N0} independent pairs (one submission; the rate counts pairs). "
            + $"Task.Run: {sizes.Runs * 10:N0} Task.Run calls of the same sum, awaited together. Each a warm-up run, then the median of {sizes.Repeats}.");
        // What Orleans alone charges for a task's grains: each activation (with its first call) at the bare activation rate, each further call at the plain call rate.
        var runCap = 1 / (3 / activations.Median + 3 / calls.Median);
        var pairCap = 1 / (2 / activations.Median + 2 / calls.Median);
        context.Notes.Add(
            $"Where the time goes, against Orleans itself on this silo ({InFlight} in flight each): a plain grain call (GetStatusAsync of a finished run's DAG grain) ran "
            + $"{calls.Median:F0} calls/s; a bare activation (a status call to a node grain never started: activation, one call, deactivation) {activations.Median:F0}/s. "
            + "A small run is three activations, each with its first call (the submission to its DAG grain, a start per node), and three more calls (an end report per node, "
            + $"the client's wait): Orleans alone caps it near {runCap:F0} runs/s here, and it ran {runs.Median:F0}/s ({runs.Median / runCap:F2} of that). A pair in one wide DAG "
            + $"is two activations with their starts and two end reports: cap near {pairCap:F0} pairs/s, ran {pairs.Median:F0}/s ({pairs.Median / pairCap:F2}). "
            + "Profiled (dotnet-trace, sampled thread time, small runs): about a third of the busy time is Orleans activating, placing and deactivating grains, a quarter "
            + "sending, copying and receiving messages, the rest Dagger's own work (validation in the client and again in the DAG grain, planning, node set-up) and the client. "
            + "The issue's 20k/s is above that cap on 2 cores: it would need small runs without a grain per node (see docs/benchmarks.md).");
        context.Notes.Add("One DAG of many pairs: planning, the start order and the end-of-run check are linear in the DAG's size (they used to rescan every edge per node "
            + "and every node per end), so the per-pair rate no longer falls much as the DAG grows.");
        context.Notes.Add("A Dagger task costs grain activations (a DAG grain per run, a node grain per node), their messages and the run's status bookkeeping; "
            + "Task.Run costs a thread-pool work item. The ratio to Task.Run shows that price; the goal rows compare with the issue's 20k tasks/s.");
        return rows;
    }

    /// <summary>Where a small run's time goes, as the client sees it: submission (validation, DAG grain activation, node placement) vs waiting for the result.</summary>
    private sealed class SubmitBreakdown
    {
        private long _validateTicks, _submitTicks, _waitTicks, _runs;

        /// <summary>Client-side validation alone (the DAG grain validates again), timed apart from the runs.</summary>
        public void AddValidation(long ticks) => Interlocked.Add(ref _validateTicks, ticks);

        public void Add(long submit, long wait)
        {
            Interlocked.Add(ref _submitTicks, submit);
            Interlocked.Add(ref _waitTicks, wait);
            Interlocked.Increment(ref _runs);
        }

        public string Describe()
        {
            if (_runs == 0) return "no runs timed";
            var validate = _validateTicks * 1000.0 / Stopwatch.Frequency / _runs;
            var submit = _submitTicks * 1000.0 / Stopwatch.Frequency / _runs;
            var wait = _waitTicks * 1000.0 / Stopwatch.Frequency / _runs;
            return string.Create(CultureInfo.InvariantCulture,
                $"per run, with {InFlight} in flight: {submit:F2} ms in SubmitAsync (client validation, then the DAG grain's activation, validation and accelerator "
                + $"check, and the activation and start of each node), {wait:F2} ms from then to the terminal status; client validation alone, timed apart: {validate:F3} ms");
        }
    }

    private static DagSpec SmallRun() => new DagBuilder("bench-task").Node("src", "range", new { count = 1 }).Node("sum", "sum").Edge("src", "sum").Build();

    private static async Task<double> ManyRunsAsync(DaggerClient client, int runs, SubmitBreakdown breakdown, CancellationToken ct)
    {
        var spec = SmallRun();
        var clock = Stopwatch.StartNew();
        var next = 0;
        var workers = new Task[Math.Min(InFlight, runs)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) <= runs)
                {
                    var validating = Stopwatch.GetTimestamp();
                    if (client.Validate(spec).Count > 0) throw new BenchmarkFailedException("the task spec is invalid");
                    var start = Stopwatch.GetTimestamp();
                    breakdown.AddValidation(start - validating);
                    var run = await client.SubmitAsync(spec);
                    var submitted = Stopwatch.GetTimestamp();
                    var status = await run.WaitAsync(TimeSpan.FromSeconds(30), ct);
                    breakdown.Add(submitted - start, Stopwatch.GetTimestamp() - submitted);
                    if (status.State != DagState.Completed || status.Results.GetValueOrDefault("sum") != "0")
                        throw new BenchmarkFailedException($"task run {run.Id} ended {status.State} with sum {status.Results.GetValueOrDefault("sum") ?? "none"}: {status.Error}");
                }
            }, ct);
        }
        await Task.WhenAll(workers);
        return runs / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> OneWideDagAsync(DaggerClient client, int pairs, CancellationToken ct)
    {
        var b = new DagBuilder("bench-wide");
        for (var i = 0; i < pairs; i++) b.Node($"src{i}", "range", new { count = 1, start = i }).Node($"sum{i}", "sum").Edge($"src{i}", $"sum{i}");
        var spec = b.Build();
        var clock = Stopwatch.StartNew();
        var run = await client.SubmitAsync(spec);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        var status = await run.WaitAsync(TimeSpan.FromSeconds(5), timeout.Token);
        var seconds = clock.Elapsed.TotalSeconds;
        if (status.State != DagState.Completed) throw new BenchmarkFailedException($"wide DAG {run.Id} ended {status.State}: {status.Error}");
        if (status.Results.Count != pairs) throw new BenchmarkFailedException($"wide DAG {run.Id}: {status.Results.Count} results, expected {pairs}");
        return pairs / seconds;
    }

    /// <summary>The floor under a run: status queries to one finished run's DAG grain, <see cref="InFlight"/> at a time; returns calls per second.</summary>
    private static async Task<double> StatusCallsAsync(DaggerClient client, int calls, CancellationToken ct)
    {
        var run = await client.SubmitAsync(SmallRun());
        await run.WaitAsync(TimeSpan.FromSeconds(30), ct);
        var clock = Stopwatch.StartNew();
        var next = 0;
        var workers = new Task[InFlight];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) <= calls)
                {
                    var status = await run.GetStatusAsync();
                    if (status.State != DagState.Completed) throw new BenchmarkFailedException($"run {run.Id} reads {status.State}, expected Completed");
                }
            }, ct);
        }
        await Task.WhenAll(workers);
        return calls / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Orleans' floor under a node: a status call to a node grain that was never started (it activates, answers and deactivates); returns activations per second.</summary>
    private static async Task<double> ActivationsAsync(IGrainFactory grains, int activations, CancellationToken ct)
    {
        var dagId = "bench-activation-" + DaggerClient.NewDagId();
        var clock = Stopwatch.StartNew();
        var next = 0;
        var workers = new Task[InFlight];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) <= activations)
                {
                    var status = await grains.GetGrain<INodeGrain>(NodeKey.Of(dagId, $"n{i}")).GetStatusAsync();
                    if (status.State != NodeState.Pending) throw new BenchmarkFailedException($"a never-started node grain reads {status.State}, expected Pending");
                }
            }, ct);
        }
        await Task.WhenAll(workers);
        return activations / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> TaskRunAsync(int tasks, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var all = new Task<long>[tasks];
        for (var i = 0; i < tasks; i++)
        {
            var start = i;
            all[i] = Task.Run(() => Sum(start), ct);
        }
        await Task.WhenAll(all);
        return tasks / clock.Elapsed.TotalSeconds;
    }

    // The same work as range(count 1, start) → sum.
    private static long Sum(long start) => start;
}
