using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Core;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Benchmarks;

/// <summary>
/// The <c>alloc</c> mode (and <c>chain --profile</c>): per configuration, a chain with no scale node and one with H,
/// so the difference gives what one hop costs in time and bytes per batch; then the H chain again under an
/// allocation-tick listener to name the types that allocate; and the scale kernel alone against the baseline's loop.
/// </summary>
internal static class AllocBreakdown
{
    public static async Task<int> RunAsync(BenchOptions o, Report? report)
    {
        var own = report is null;
        report ??= new Report(o);
        using var sampler = new AllocationSampler();
        var sb = new StringBuilder();
        var batches = (o.Elements + o.Batch - 1) / o.Batch;
        var hops = Math.Max(o.Hops, 1);
        sb.AppendLine(CultureInfo.InvariantCulture, $"## Where time and allocations go ({o.Elements:N0} elements, batch {o.Batch}, {batches:N0} batches; chains of 0 and {hops} scale nodes)");
        sb.AppendLine();
        sb.AppendLine("One run each after a short warm-up; *per hop* = (chain with H scale nodes − chain with none) / H / batches, so source, sink and setup cancel out. "
            + "Bytes are whole-process `GC.GetTotalAllocatedBytes` deltas.");
        sb.AppendLine();
        sb.AppendLine("| configuration | wall s, 0 hops | wall s, H hops | µs per batch per hop | bytes per batch, 0 hops | bytes per batch, H hops | bytes per batch per hop | bytes per element per hop |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        var typeSections = new StringBuilder();

        foreach (var name in Configs.All.Where(o.Only.Contains).Where(n => n != Configs.OrleansStreams)) // streams: chain mode only
        {
            IChainTarget target = name switch
            {
                Configs.Dataflow => new DataflowChain(o.ScalarBaseline),
                Configs.Embedded => await DaggerChain.StartEmbeddedAsync(),
                _ => await DaggerChain.StartTwoSilosAsync(),
            };
            await using (target)
            {
                var warm = new ConfigResult(target.Name, target.Description);
                await ChainBenchmark.WarmUpAsync(target, warm, o);
                // Warm the 0-hop shape as well (it takes other paths: the sink reads the source directly).
                await target.RunAsync(Math.Min(o.Elements, 1_000_000), o.Batch, 0, o.Factor);

                await ChainBenchmark.SettleAsync();
                var zero = await target.RunAsync(o.Elements, o.Batch, 0, o.Factor);
                await ChainBenchmark.SettleAsync();
                var full = await target.RunAsync(o.Elements, o.Batch, hops, o.Factor);

                await ChainBenchmark.SettleAsync();
                var from = DateTime.UtcNow;
                var sampled = await target.RunAsync(o.Elements, o.Batch, hops, o.Factor);
                var to = DateTime.UtcNow;
                await Task.Delay(1500); // the listener's events arrive a little late
                var types = sampler.Between(from, to);

                var perHopUs = (full.WallSeconds - zero.WallSeconds) / batches / hops * 1e6;
                var perHopBytes = (double)(full.AllocatedBytes - zero.AllocatedBytes) / batches / hops;
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {target.Name} | {zero.WallSeconds:F3} | {full.WallSeconds:F3} | {perHopUs:F2} | {(double)zero.AllocatedBytes / batches:F0} | {(double)full.AllocatedBytes / batches:F0} | **{perHopBytes:F0}** | {perHopBytes / o.Batch:F3} |");
                Console.Error.WriteLine($"  {target.Name}: 0 hops {zero.WallSeconds:F3} s {(double)zero.AllocatedBytes / batches:F0} B/batch; {hops} hops {full.WallSeconds:F3} s {(double)full.AllocatedBytes / batches:F0} B/batch");

                var total = types.Sum(t => t.Bytes);
                typeSections.AppendLine(CultureInfo.InvariantCulture,
                    $"### {target.Name}: top allocating types, chain of {hops} ({sampled.AllocatedBytes / (double)batches:F0} B per batch measured, {total / (double)batches:F0} B per batch sampled)");
                typeSections.AppendLine();
                if (types.Count == 0)
                {
                    typeSections.AppendLine("No allocation ticks in the run (less than ~100 KB allocated).");
                }
                else
                {
                    typeSections.AppendLine(CultureInfo.InvariantCulture, $"| type | ≈ bytes per batch | ≈ bytes per batch per edge ({hops + 1} edges) | share |");
                    typeSections.AppendLine("|---|---|---|---|");
                    foreach (var (type, bytes) in types.Take(15))
                    {
                        typeSections.AppendLine(CultureInfo.InvariantCulture,
                            $"| `{type}` | {bytes / (double)batches:F0} | {bytes / (double)batches / (hops + 1):F0} | {100.0 * bytes / total:F1}% |");
                    }
                }
                typeSections.AppendLine();
            }
        }
        sb.AppendLine();
        sb.AppendLine("Allocation ticks come from the runtime's GCAllocationTick event (one per ~100 KB, charged to the type that crossed the mark), so the type split is a sample, good to a few percent for the big items; the listener itself adds a little.");
        sb.AppendLine();
        sb.Append(typeSections);
        sb.Append(KernelProbe(o.Batch, o.Factor));
        report.AddSection(sb.ToString());
        if (own)
        {
            report.Print(Console.Out);
            report.Write();
        }
        return 0;
    }

    /// <summary>
    /// The scale kernel alone: Dagger's <see cref="ScaleOperator"/> through its public <c>TransformAsync</c> (the kernel plus
    /// a Forward into the output buffer) for a float32-exact factor and for one that is not, against the baseline's loop.
    /// </summary>
    private static string KernelProbe(int batch, double factor)
    {
        const int Iterations = 50_000;
        var data = new float[batch];
        var input = Batch.Rent(ElementKind.Float32, batch);
        input.Count = batch;

        double Time(Action kernel, Action reset)
        {
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 0.3) kernel(); // past tier 0
            var best = double.MaxValue;
            for (var round = 0; round < 3; round++)
            {
                reset();
                var clock = Stopwatch.StartNew();
                for (var k = 0; k < Iterations; k++) kernel();
                best = Math.Min(best, clock.Elapsed.TotalMilliseconds * 1000 / Iterations);
            }
            return best;
        }

        var f32 = (float)factor;
        var rows = new StringBuilder();
        var vector = Time(() => DataflowChain.MultiplyVectorised(data, f32), () => Array.Fill(data, 1f));
        rows.AppendLine(CultureInfo.InvariantCulture, $"| Dataflow baseline (default): `Vector<float>` loop x {f32}f | {vector:F3} | {vector * 1000 / batch:F3} |");
        var plain = Time(() => DataflowChain.MultiplyScalar(data, f32), () => Array.Fill(data, 1f));
        rows.AppendLine(CultureInfo.InvariantCulture, $"| Dataflow baseline with --scalar-baseline: `span[i] *= {f32}f` | {plain:F3} | {plain * 1000 / batch:F3} |");
        foreach (var f in new[] { factor, 1.0001 }.Distinct())
        {
            var op = new ScaleOperator { Factor = f };
            var output = new OutputBuffer(batch);
            var forwarded = 0;
            var us = Time(() =>
            {
                // TransformAsync forwards the batch into the output buffer's queue; start a fresh buffer now and then.
                op.TransformAsync(0, input, output, CancellationToken.None).GetAwaiter().GetResult();
                input.Release(); // drop the holder Forward added, as the node does after sending
                if (++forwarded % 4096 == 0) output = new OutputBuffer(batch);
            }, () => input.Float32s.Fill(1f));
            var path = (float)f == f ? "float32-exact factor: vectorised path" : "factor not exact in float32: float64 per element";
            rows.AppendLine(CultureInfo.InvariantCulture, $"| Dagger `scale` x {f} via `TransformAsync` ({path}) | {us:F3} | {us * 1000 / batch:F3} |");
        }
        return $"### The scale kernel alone ({batch} float32 per batch)\n\n| kernel | µs per batch | ns per element |\n|---|---|---|\n{rows}";
    }
}
