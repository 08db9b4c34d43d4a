using Dagger.Orleans.Bench.Chain;
using Dagger.Orleans.Bench.Measuring;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Bench.Shm;

/// <summary>
/// shm edges against the grain-call path they replace (issue 15 item 1: goal ≥ 3×): the chain range (float32) → scale →
/// scale → count on two silos, one edge crossing between them, with every edge on <c>memory</c> (a local inbox write,
/// and windowed grain calls across) or on <c>shm</c> (a ring per edge), over a batch-size sweep; and what the crossing
/// moves in GB/s, next to this machine's copy bandwidth (~38 GB/s on one thread, PLATFORM-NOTES).
/// </summary>
public sealed class ShmSection : IBenchSection
{
    public const double Goal = 3.0;

    private const int Hops = 2;

    public string Name => "shm";

    public string Title => "shm edges between two silos vs windowed grain calls (memory edges)";

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var (elements, batches, runs) = context.Quick
            ? (2_000_000L, new[] { 4096 }, 1)
            : (200_000_000L, new[] { 1024, 4096, 16384, 65536 }, 3);
        var rows = new List<BenchRow>();
        await using var silos = await TwoSilos.StartAsync(cancellationToken);
        foreach (var batch in batches)
        {
            context.Log.WriteLine($"  shm: batch {batch}: warming up");
            await DaggerChain.RunAsync(silos.Client, Math.Min(elements, 4_000_000), batch, Hops, Transports.Memory, cancellationToken);
            await DaggerChain.RunAsync(silos.Client, Math.Min(elements, 4_000_000), batch, Hops, Transports.SharedMemory, cancellationToken);
            var measured = await Measure.InTurnsAsync([
                c => DaggerChain.RunAsync(silos.Client, elements, batch, Hops, Transports.SharedMemory, c),
                c => DaggerChain.RunAsync(silos.Client, elements, batch, Hops, Transports.Memory, c),
            ], runs, cancellationToken);
            var (shm, memory) = (measured[0].Median, measured[1].Median);
            context.Log.WriteLine($"  shm: batch {batch}: shm {shm / 1e6:F0} M el/s ({shm * 4 / 1e9:F2} GB/s), memory edges {memory / 1e6:F0} M el/s");
            rows.Add(new BenchRow("shm", $"2 silos, range → scale × {Hops} → count, batch {batch}", "el/s", shm, "memory edges (grain calls across)", memory, Goal,
                Note: $"shm moves {shm * 4 / 1e9:F2} GB/s of float32 per edge"));
        }
        context.Notes.Add($"Two silos of one cluster in one process; placement cuts the {Hops + 2}-node chain into one block per silo, so one edge crosses. "
            + $"{elements:N0} float32 elements per run, timed from submission to the terminal status; median of {runs} run(s) in turns. "
            + "shm: every edge a ring (16 MiB) in /dev/shm; memory: local inbox writes and windowed grain calls across. "
            + "This machine copies ~38 GB/s on one thread (PLATFORM-NOTES): each shm hop copies a batch into the ring and out of it.");
        return rows;
    }
}
