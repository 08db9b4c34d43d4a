using Dagger.Orleans.Bench.Chain;
using Dagger.Orleans.Bench.Harness;
using Dagger.Orleans.Bench.Measuring;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Bench.Scaling;

/// <summary>
/// Throughput of the memory-edge chain (range → scale × n → count) as the number of scale nodes grows 1…64 and as the
/// batch size grows 64…65536, each point next to the TPL Dataflow chain of the same shape.
/// </summary>
public sealed class ScalingSection : IBenchSection
{
    public const int FixedHops = 4;
    public const int FixedBatch = 1024;

    public string Name => "scaling";

    public string Title => "throughput as nodes (1…64) and batch size (64…65536) grow, vs the same TPL Dataflow chain";

    /// <param name="ElementHops">Elements × scale nodes per measured run: runs then take similar times at every point (≥ 0.1 s on 2 cores).</param>
    private sealed record Sizes(long ElementHops, int[] Nodes, int[] Batches, TimeSpan WarmUp, int Runs)
    {
        public long Elements(int hops) => Math.Clamp(ElementHops / Math.Max(1, hops), ElementHops / 20, ElementHops / 2);
    }

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var sizes = context.Quick
            ? new Sizes(400_000, [1, 4, 16], [256, 4096], TimeSpan.FromSeconds(0.3), 1)
            : new Sizes(400_000_000, [1, 2, 4, 8, 16, 32, 64], [64, 256, 1024, 4096, 16384, 65536], TimeSpan.FromSeconds(4), 3);
        var rows = new List<BenchRow>();
        await using var silo = await BenchSilo.StartAsync(cancellationToken);
        var dataflow = new DataflowChain();
        await Measure.WarmUpAsync(c => DaggerChain.RunAsync(silo.Client, Math.Min(sizes.Elements(FixedHops), 1_000_000), FixedBatch, FixedHops, Transports.Memory, c), sizes.WarmUp, cancellationToken);
        await Measure.WarmUpAsync(c => dataflow.RunAsync(Math.Min(sizes.Elements(FixedHops), 1_000_000), FixedBatch, FixedHops, c), sizes.WarmUp / 4, cancellationToken);

        var byNodes = await SweepAsync(context, rows, silo, dataflow, sizes, sizes.Nodes, n => (n, FixedBatch), n => $"{n} scale node{(n == 1 ? "" : "s")}, batch {FixedBatch}", cancellationToken);
        var byBatch = await SweepAsync(context, rows, silo, dataflow, sizes, sizes.Batches, b => (FixedHops, b), b => $"{FixedHops} scale nodes, batch {b}", cancellationToken);

        double[] nodesX = [.. sizes.Nodes.Select(n => (double)n)];
        double[] batchX = [.. sizes.Batches.Select(b => (double)b)];
        context.Plots.Add(new BenchPlot("scaling-nodes", $"Chain throughput vs scale nodes (batch {FixedBatch}, memory edges)", "elements/s",
            [new("Dagger", byNodes.Dagger, nodesX), new("TPL Dataflow", byNodes.Baseline, nodesX)], XLabel: "scale nodes in the chain", LogX: true, LogY: true));
        context.Plots.Add(new BenchPlot("scaling-batch", $"Chain throughput vs batch size ({FixedHops} scale nodes, memory edges)", "elements/s",
            [new("Dagger", byBatch.Dagger, batchX), new("TPL Dataflow", byBatch.Baseline, batchX)], XLabel: "elements per batch", LogX: true, LogY: true));
        context.Notes.Add($"Each point: range (float32, {sizes.ElementHops:N0} ÷ n elements, at least {sizes.ElementHops / 20:N0} and at most {sizes.ElementHops / 2:N0}) → scale × n → count on one in-process silo, memory edges, vs {DataflowChain.Description}; "
            + $"median of {sizes.Runs} run(s) after a warm-up. Throughput counts elements through the whole chain (not element-hops): with more nodes each element is multiplied more times, on the same {Environment.ProcessorCount} cores.");
        return rows;
    }

    private static async Task<(double[] Dagger, double[] Baseline)> SweepAsync(BenchContext context, List<BenchRow> rows, BenchSilo silo, DataflowChain dataflow,
        Sizes sizes, int[] points, Func<int, (int Hops, int Batch)> shape, Func<int, string> caseName, CancellationToken ct)
    {
        var dagger = new double[points.Length];
        var baseline = new double[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            var (hops, batch) = shape(points[i]);
            // One unmeasured run of each at this shape (the new batch size's pools, Dataflow's blocks), then runs in turns.
            var elements = sizes.Elements(hops);
            await DaggerChain.RunAsync(silo.Client, elements / 10, batch, hops, Transports.Memory, ct);
            await dataflow.RunAsync(elements / 10, batch, hops, ct);
            var measured = await Measure.InTurnsAsync([
                c => DaggerChain.RunAsync(silo.Client, elements, batch, hops, Transports.Memory, c),
                c => dataflow.RunAsync(elements, batch, hops, c),
            ], sizes.Runs, ct);
            var (d, b) = (measured[0], measured[1]);
            (dagger[i], baseline[i]) = (d.Median, b.Median);
            context.Log.WriteLine($"  scaling {caseName(points[i])}: Dagger {d.Median / 1e6:F1}, Dataflow {b.Median / 1e6:F1} M el/s");
            rows.Add(new BenchRow("scaling", caseName(points[i]), "el/s", d.Median, "TPL Dataflow", b.Median));
        }
        return (dagger, baseline);
    }
}
