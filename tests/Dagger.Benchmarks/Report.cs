using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace Dagger.Orleans.Benchmarks;

/// <summary>The Markdown report: machine, table, notes, summary line; printed and written to results/.</summary>
internal sealed class Report(BenchOptions options)
{
    private readonly List<ConfigResult> _results = [];
    private readonly List<string> _sections = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    public void Add(ConfigResult result) => _results.Add(result);

    /// <summary>A further Markdown section (the alloc breakdown).</summary>
    public void AddSection(string markdown) => _sections.Add(markdown);

    public static string Meps(double elementsPerSecond) => (elementsPerSecond / 1e6).ToString(elementsPerSecond >= 100e6 ? "F0" : "F1", CultureInfo.InvariantCulture);

    private ConfigResult? Baseline => _results.FirstOrDefault(r => r.Name == Configs.Dataflow);

    public string Summary()
    {
        var o = options;
        var parts = new List<string>();
        var baseline = Baseline?.MedianElementsPerSecond;
        foreach (var r in _results)
        {
            var text = $"{r.Name} {Meps(r.MedianElementsPerSecond)} M el/s";
            if (r.Name != Configs.Dataflow && baseline is { } b)
            {
                var ratio = r.MedianElementsPerSecond / b;
                text += $" (ratio {ratio:F2} {(ratio >= 0.5 ? "meets" : "misses")} >= 0.5)";
            }
            text += $", {r.MedianBytesPerElement:F2} B/el";
            parts.Add(text);
        }
        return $"chain {o.Hops}x scale, {o.Elements:N0} float32, batch {o.Batch}: {string.Join("; ", parts)} " +
               "[wall-clock medians; B/el = whole-process allocation per element]";
    }

    /// <summary>What the orleans-streams row says about the product's own data path, when it ran beside one.</summary>
    public string? TransportChoice()
    {
        var streams = _results.FirstOrDefault(r => r.Name == Configs.OrleansStreams);
        if (streams is null) return null;
        var s = streams.MedianElementsPerSecond;
        var parts = _results.Where(r => r.Name is Configs.Embedded or Configs.TwoSilo)
            .Select(r => $"Dagger {r.Name} ({(r.Name == Configs.Embedded ? "silo-local inbox writes" : "grain calls between silos")}) ran {r.MedianElementsPerSecond / s:F0}x as fast "
                + $"({Meps(r.MedianElementsPerSecond)} vs {Meps(s)} M el/s) and allocated {(r.MedianBytesPerElement > 0 ? streams.MedianBytesPerElement / r.MedianBytesPerElement : double.PositiveInfinity):F0}x less per element "
                + $"({r.MedianBytesPerElement:F2} vs {streams.MedianBytesPerElement:F0} B/el)")
            .ToArray();
        var daggerFaster = _results.Where(r => r.Name is Configs.Embedded or Configs.TwoSilo).All(r => r.MedianElementsPerSecond > s);
        var baseline = Baseline?.MedianElementsPerSecond;
        var ratio = baseline is { } b ? $" (ratio {s / b:F3} to Dataflow)" : "";
        return parts.Length == 0
            ? $"Orleans memory streams ran {Meps(s)} M el/s{ratio}; run it beside embedded or two-silo to compare with the product's data path."
            : $"Orleans memory streams on one silo ran {Meps(s)} M el/s{ratio}, with flow control of our own, since they have none. {string.Join("; ", parts)}. "
                + "Memory streams serialize every event into a queue grain and deserialize it out of a pulling agent's cache at every hop, even inside one silo; "
                + (daggerFaster
                    ? "so the product's own path, not Orleans memory streams, is the better `memory` transport, by this measurement."
                    : "here memory streams were not slower than every Dagger configuration: the product's choice is not supported by this run.");
    }

    public string Markdown()
    {
        var o = options;
        var sb = new StringBuilder();
        var batches = (o.Elements + o.Batch - 1) / o.Batch;
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Dagger benchmark: {o.Mode}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- date: {_started:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- machine: {Machine.Describe()}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- runtime: {Machine.Runtime()}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- command: `dotnet tests/Dagger.Benchmarks/bin/Release/net10.0/Dagger.Orleans.Benchmarks.dll {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}`");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"- chain: source ({o.Elements:N0} float32 elements) -> {o.Hops} x scale (x {o.Factor}, in place) -> count; batch {o.Batch} ({batches:N0} batches per run)");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"- method: per configuration, warm-up runs of <= 2M elements for >= {o.WarmupSeconds} s and on while throughput still climbs (cap {o.WarmupMaxSeconds} s), then measured runs of the full count, each from a collected heap; medians reported");
        sb.AppendLine();

        if (_results.Count > 0)
        {
            var baseline = Baseline?.MedianElementsPerSecond;
            sb.AppendLine("| configuration | runs | M el/s (wall, median) | spread (min–max) | ratio to Dataflow | M el/s (DAG stats) | µs per batch per hop | seconds per run (wall) | seconds per run (DAG stats) | bytes/element (median; min–max) | GCs per run g0/g1/g2 |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in _results)
            {
                var median = r.MedianElementsPerSecond;
                var ratio = baseline is { } b && r.Name != Configs.Dataflow ? (median / b).ToString("F2", CultureInfo.InvariantCulture) : r.Name == Configs.Dataflow ? "1 (baseline)" : "– (no dataflow run)";
                var dag = r.MedianDagElementsPerSecond is { } d ? Meps(d) : "–";
                var usPerBatchHop = o.Hops > 0 ? (o.Elements / median / batches / o.Hops * 1e6).ToString("F2", CultureInfo.InvariantCulture) : "–";
                var wall = string.Join(" / ", r.Samples.Select(s => s.WallSeconds.ToString("F3", CultureInfo.InvariantCulture)));
                var dagSeconds = r.Samples.All(s => s.DagSeconds is not null)
                    ? string.Join(" / ", r.Samples.Select(s => s.DagSeconds!.Value.ToString("F3", CultureInfo.InvariantCulture)))
                    : "–";
                var gcs = $"{Stats.Median(r.Samples.Select(s => (double)s.Gen0)):F0}/{Stats.Median(r.Samples.Select(s => (double)s.Gen1)):F0}/{Stats.Median(r.Samples.Select(s => (double)s.Gen2)):F0}";
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Name} | {r.Samples.Count} | **{Meps(median)}** | {Meps(r.MinElementsPerSecond)}–{Meps(r.MaxElementsPerSecond)} (±{Stats.SpreadPercent(median, r.MinElementsPerSecond, r.MaxElementsPerSecond):F0}%) | {ratio} | {dag} | {usPerBatchHop} | {wall} | {dagSeconds} | {r.MedianBytesPerElement:F3}; {r.MinBytesPerElement:F3}–{r.MaxBytesPerElement:F3} | {gcs} |");
            }
            sb.AppendLine();
            sb.AppendLine("Configurations:");
            foreach (var r in _results)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- **{r.Name}**: {r.Description}; warm-up {r.WarmupRuns} runs in {r.WarmupSeconds:F1} s ({r.WarmupEnd}).");
                foreach (var note in r.Notes) sb.AppendLine(CultureInfo.InvariantCulture, $"  - {note}");
            }
            if (TransportChoice() is { } choice)
            {
                sb.AppendLine();
                sb.AppendLine(CultureInfo.InvariantCulture, $"Transport choice: {choice}");
            }
            sb.AppendLine();
            sb.AppendLine("How to read it:");
            sb.AppendLine("- *wall* is submit -> terminal status returned to the client (Dataflow: building the blocks -> sink completed): what a user sees, and what the ratio uses. "
                + "*DAG stats* is the product's own `DagStatus.Seconds` (DAG grain accepted the submission -> last sink reported); it leaves out the client round trips.");
            sb.AppendLine("- *µs per batch per hop* = wall time / batches / scale nodes: source and sink costs are charged to the hops (as in PLATFORM-NOTES).");
            sb.AppendLine("- *bytes/element* = `GC.GetTotalAllocatedBytes(precise: true)` delta over one measured run / elements. It counts every thread of the process: "
                + "for the Dagger rows that is the silo(s), the client, and Orleans' own background work (timers, membership, statistics) too, since the in-process "
                + "cluster shares this process. It bounds what the operators allocate from above; `alloc` mode breaks it down.");
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Summary: {Summary()}");
            sb.AppendLine();
        }
        foreach (var section in _sections)
        {
            sb.AppendLine(section);
            sb.AppendLine();
        }
        return sb.ToString();
    }

    public void Print(TextWriter writer)
    {
        writer.WriteLine(Markdown());
        if (_results.Count > 0) writer.WriteLine(Summary());
    }

    public void Write()
    {
        if (options.NoWrite) return;
        var path = options.OutFile ?? Path.Combine(Machine.ProjectDirectory(), "results", $"{options.Mode}-latest.md");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, Markdown());
        Console.Error.WriteLine($"report written to {path}");
    }
}

internal static class Machine
{
    public static string Describe()
    {
        var cpu = ReadProc("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKb = ReadProc("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var ram = memKb is not null && long.TryParse(memKb, CultureInfo.InvariantCulture, out var kb)
            ? kb * 1024.0
            : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return $"{Environment.ProcessorCount} cores ({cpu}), {ram / (1L << 30):F1} GiB RAM, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}";
    }

    public static string Runtime()
    {
        var concurrent = AppContext.GetData("System.GC.Concurrent") as bool? ?? true;
        var tiered = AppContext.GetData("System.Runtime.TieredCompilation") as bool? ?? true;
        var pgo = AppContext.GetData("System.Runtime.TieredPGO") as bool? ?? true;
        var env = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) && !k.StartsWith("DOTNET_CLI", StringComparison.Ordinal)
                && !k.Equals("DOTNET_ROOT", StringComparison.Ordinal) && !k.StartsWith("DOTNET_NOLOGO", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}")
            .ToArray();
#if DEBUG
        const string build = "Debug build (not meaningful)";
#else
        const string build = "Release build";
#endif
        return $"{RuntimeInformation.FrameworkDescription}, {build}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, concurrent GC {(concurrent ? "on" : "off")}, "
            + $"TieredCompilation {(tiered ? "on" : "off")}, TieredPGO {(pgo ? "on" : "off")}"
            + (env.Length > 0 ? $", env {string.Join(' ', env)}" : "");
    }

    /// <summary>tests/Dagger.Benchmarks of the checkout this binary was built from, else the current directory.</summary>
    public static string ProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dagger.Benchmarks.csproj"))) return dir.FullName;
            var nested = Path.Combine(dir.FullName, "tests", "Dagger.Benchmarks");
            if (File.Exists(Path.Combine(nested, "Dagger.Benchmarks.csproj"))) return nested;
        }
        return Directory.GetCurrentDirectory();
    }

    private static string? ReadProc(string path, string key)
    {
        try
        {
            return File.ReadLines(path)
                .Where(l => l.StartsWith(key, StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
                .FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
