using System.Globalization;

namespace Dagger.Orleans.Benchmarks;

/// <summary>Command-line options of the benchmark command.</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        usage: Dagger.Orleans.Benchmarks chain [options]    throughput of a source -> H x scale -> count chain
               Dagger.Orleans.Benchmarks alloc [options]    where time and allocations go (per hop, per type)

        options:
          --elements N     float32 elements per measured run (default 10_000_000; 10M, 500k accepted)
          --batch B        elements per batch (default 1024)
          --repeat R       measured runs per configuration (default 3; the Dataflow baseline runs max(R, 10) times
                           before and again after the Dagger configurations, its runs take milliseconds)
          --hops H         scale nodes in the chain (default 5)
          --warmup S       minimum seconds of warm-up per configuration (default 5); warm-up then goes on while
                           throughput still climbs, up to --warmup-max seconds (default 25)
          --warmup-max S   cap on the warm-up per configuration
          --factor F       the scale factor (default 1.5, exact in float32; try 1.0001 for the float64 path)
          --scalar-baseline  the Dataflow stages multiply with a scalar loop instead of Dagger's Vector<float> loop
          --only LIST      comma-separated subset of: dataflow, embedded, two-silo, orleans-streams
          --stream-elements N  elements per measured run for orleans-streams only (default: --elements); its warm-up
                           runs are <= 2M as for the others
          --stream-window W    orleans-streams: batches the source may have un-acked by the sink (default 1024; 64 ran ~3x slower,
                           2048-4096 no faster, with more gen1/gen2 GCs)
          --stream-queues Q    orleans-streams: memory stream queues (default 8, Orleans' default)
          --stream-poll-ms P   orleans-streams: pulling agent poll period in ms (default 1; Orleans' default is 100)
          --profile        after measuring, also run the alloc breakdown (chain mode)
          --out FILE       where the Markdown report goes (default tests/Dagger.Benchmarks/results/<mode>-latest.md)
          --no-write       print only, write no report file
        """;

    public string Mode { get; init; } = "chain";
    public long Elements { get; init; } = 10_000_000;
    public int Batch { get; init; } = 1024;
    public int Repeat { get; init; } = 3;
    public int Hops { get; init; } = 5;
    public long? StreamElements { get; init; }
    public int StreamWindow { get; init; } = 1024;
    public int StreamQueues { get; init; } = 8;
    public double StreamPollMs { get; init; } = 1;
    public double WarmupSeconds { get; init; } = 5;
    public double WarmupMaxSeconds { get; init; } = 25;
    public HashSet<string> Only { get; init; } = [.. Configs.All];
    public bool Profile { get; init; }
    public bool ScalarBaseline { get; init; }
    public string? OutFile { get; init; }
    public bool NoWrite { get; init; }

    /// <summary>The multiplier every scale node applies (both chains). 1.5 is exact in float32, so Dagger's scale may take
    /// its vectorised float path; a factor that is not (e.g. 1.0001) makes it compute in float64 per element.</summary>
    public double Factor { get; init; } = 1.5;

    public static BenchOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("chain" or "alloc")) throw new UsageException("expected a mode: chain or alloc");
        var o = new BenchOptions { Mode = args[0] };
        for (var i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--elements" => o with { Elements = ParseCount(Value(), "--elements") },
                "--batch" => o with { Batch = checked((int)ParseCount(Value(), "--batch")) },
                "--repeat" => o with { Repeat = checked((int)ParseCount(Value(), "--repeat")) },
                "--hops" => o with { Hops = checked((int)ParseCount(Value(), "--hops", allowZero: true)) },
                "--stream-elements" => o with { StreamElements = ParseCount(Value(), "--stream-elements") },
                "--stream-window" => o with { StreamWindow = checked((int)ParseCount(Value(), "--stream-window")) },
                "--stream-queues" => o with { StreamQueues = checked((int)ParseCount(Value(), "--stream-queues")) },
                "--stream-poll-ms" => o with { StreamPollMs = ParseSeconds(Value(), "--stream-poll-ms") },
                "--warmup" => o with { WarmupSeconds = ParseSeconds(Value(), "--warmup") },
                "--warmup-max" => o with { WarmupMaxSeconds = ParseSeconds(Value(), "--warmup-max") },
                "--factor" => o with { Factor = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : throw new UsageException("--factor: not a number") },
                "--only" => o with { Only = ParseOnly(Value()) },
                "--scalar-baseline" => o with { ScalarBaseline = true },
                "--profile" => o with { Profile = true },
                "--out" => o with { OutFile = Value() },
                "--no-write" => o with { NoWrite = true },
                "-h" or "--help" => throw new UsageException(null),
                _ => throw new UsageException($"unknown option {args[i]}"),
            };
        }
        return o;
    }

    private static long ParseCount(string text, string option, bool allowZero = false)
    {
        var t = text.Replace("_", "", StringComparison.Ordinal).Trim();
        long multiplier = 1;
        if (t.EndsWith('k') || t.EndsWith('K')) (multiplier, t) = (1_000, t[..^1]);
        else if (t.EndsWith('M') || t.EndsWith('m')) (multiplier, t) = (1_000_000, t[..^1]);
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < (allowZero ? 0 : 1))
            throw new UsageException($"{option}: '{text}' is not a {(allowZero ? "non-negative" : "positive")} whole number");
        return checked(n * multiplier);
    }

    private static double ParseSeconds(string text, string option) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0
            ? s
            : throw new UsageException($"{option}: '{text}' is not a number of seconds");

    private static HashSet<string> ParseOnly(string text)
    {
        var set = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var unknown = set.Except(Configs.All).ToArray();
        if (unknown.Length > 0) throw new UsageException($"--only: unknown configuration(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Configs.All)}");
        return set;
    }
}

internal static class Configs
{
    public const string Dataflow = "dataflow";
    public const string Embedded = "embedded";
    public const string TwoSilo = "two-silo";
    public const string OrleansStreams = "orleans-streams";

    public static readonly string[] All = [Dataflow, Embedded, TwoSilo, OrleansStreams];
}

internal sealed class UsageException(string? message) : Exception(message ?? "");
