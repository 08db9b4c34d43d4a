using System.Globalization;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Bench.Hpec;

/// <summary>
/// HPEC Challenge kernels (TDFIR, FDFIR, CFAR, corner turn) on their data sets: the throughput of a DAG
/// <c>bench_data → kernel node → count</c> in an embedded silo, next to the same kernel called directly on the same
/// data in a loop. Both run the operator's SIMD CPU code (the DAG's node asks for <c>cpu</c>), so the ratio is what the
/// DAG runtime costs on top of the kernel.
/// </summary>
public sealed class HpecSection : IBenchSection
{
    /// <summary>The ratio the issue asks of every case: the DAG at least 0.8 of the kernel alone.</summary>
    public const double Goal = 0.8;

    public string Name => "hpec";

    public string Title => "HPEC Challenge kernels: through a DAG vs the CPU code called directly";

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var directTime = TimeSpan.FromSeconds(context.Quick ? 0.1 : 1.5);
        var dagTime = TimeSpan.FromSeconds(context.Quick ? 0.25 : 3);
        var dataDirectory = Directory.CreateTempSubdirectory("dagger-hpec-");
        var rows = new List<BenchRow>();
        try
        {
            await using var client = await DaggerClient.StartEmbeddedAsync(cancellation: cancellationToken);
            foreach (var c in HpecCases.All(context.Quick))
            {
                try
                {
                    rows.Add(await MeasureAsync(c, client, dataDirectory.FullName, directTime, dagTime, context, cancellationToken));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    context.Failures.Add($"hpec {c.Name}: {e.Message}");
                }
            }
            context.Notes.Add("Both sides run the operators' SIMD CPU code. DAG: bench_data (the data set held in memory) → the operator (device cpu) → count, " +
                "in an embedded silo; its rate is the difference between a run over few and one over many repetitions of the data set, so start-up is left out. " +
                "Direct: the operator's per-element CPU code over the whole data set in a loop, one thread.");
            context.Notes.Add("Workloads (HPEC's counts): TDFIR 8·M·N·K flops; FDFIR M·(2·5·F·log2 F + 8·F) with F the FFT length (HPEC's radix-2 count, " +
                "its transform length being ours); CFAR 7·Nbm·Ndop·Nrg; corner turn 2·rows·cols·4 bytes (read + written). " +
                "TDFIR/FDFIR apply one tap set to all M filters (HPEC: one each; same work). " +
                (context.Quick ? "Quick run: TDFIR/FDFIR set 1 with 4 filters, CFAR sets 2-4 on 2 beams × 4 Dopplers, corner turn set 2 as 150 × 1000."
                    : "CFAR sets 2-4 use the full cubes as remembered from the HPEC page (48×128, 48×64, 16×16 beams × Dopplers; see docs/signal-operators.md)."));
        }
        finally
        {
            dataDirectory.Delete(recursive: true);
        }
        return rows;
    }

    private static async Task<BenchRow> MeasureAsync(HpecCase c, DaggerClient client, string dataDirectory,
        TimeSpan directTime, TimeSpan dagTime, BenchContext context, CancellationToken cancellationToken)
    {
        var directSetsPerSecond = DagTiming.CallsPerSecond(c.Direct(), directTime, cancellationToken);

        var path = HpecData.Write(dataDirectory, $"{c.Kernel.Replace(' ', '-')}-{c.Data.Length}.f32", c.Data);
        var many = (long)Math.Max(4, Math.Ceiling(dagTime.TotalSeconds * directSetsPerSecond));
        var few = Math.Max(1, many / 4);
        var dagSetsPerSecond = await DagTiming.RepetitionsPerSecondAsync(client, repetitions => Spec(c, path, repetitions), few, many,
            (status, repetitions) => DagTiming.Count(status, "sink") is var counted && counted == c.OutputsPerSet * repetitions
                ? null
                : $"the sink counted {counted} elements, expected {c.OutputsPerSet * repetitions}",
            cancellationToken);

        var row = new BenchRow("hpec", c.Name, c.Unit, dagSetsPerSecond * c.WorkPerSet, "CPU code called directly", directSetsPerSecond * c.WorkPerSet, Goal,
            Note: string.Create(CultureInfo.InvariantCulture, $"CPU path; {few}/{many} repetitions; direct {1000 / directSetsPerSecond:F2} ms per data set"));
        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hpec {c.Name}: DAG {row.Value:F1} {c.Unit}, direct {row.BaselineValue:F1} {c.Unit}, ratio {row.Ratio:F2}"));
        return row;
    }

    private static DagSpec Spec(HpecCase c, string path, long repetitions) =>
        new DagBuilder($"hpec-{c.Op}")
            .Defaults(batch: Math.Min(c.Batch, 65536))
            .Node("data", "bench_data", new { path, kind = c.Complex ? "complex" : "vector", width = c.Width, repeat = repetitions })
            .Node("kernel", c.Op, c.ArgsJson, device: "cpu")
            .Node("sink", "count")
            .Edge("data", "kernel")
            .Edge("kernel", "sink")
            .Build();
}
