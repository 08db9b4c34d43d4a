using System.Diagnostics;
using System.Reflection;
using Dagger.Orleans.Bench.Reporting;

namespace Dagger.Orleans.Bench.Running;

/// <summary>
/// Finds the sections, runs them one after another (one failing does not stop the rest), renders their charts and
/// writes the report. A section's exception is caught here on purpose: it becomes the section's error in the report
/// and a line on the log, and the run's exit code.
/// </summary>
public static class BenchRunner
{
    /// <summary>Sections the report shows in this order; others follow, by name.</summary>
    public static readonly string[] KnownOrder = ["chain", "tasks", "latency", "scaling", "hpec", "radar"];

    /// <summary>Every public, concrete <see cref="IBenchSection"/> with a public parameterless constructor in <paramref name="assembly"/>.</summary>
    public static IReadOnlyList<IBenchSection> Discover(Assembly? assembly = null)
    {
        var found = new List<IBenchSection>();
        foreach (var type in (assembly ?? typeof(BenchRunner).Assembly).GetExportedTypes())
        {
            if (type.IsAbstract || type.IsInterface || !typeof(IBenchSection).IsAssignableFrom(type) || type.GetConstructor(Type.EmptyTypes) is null) continue;
            found.Add((IBenchSection)Activator.CreateInstance(type)!);
        }
        return Order(found);
    }

    /// <summary>Known sections first in <see cref="KnownOrder"/>, then the rest by name.</summary>
    public static IReadOnlyList<IBenchSection> Order(IEnumerable<IBenchSection> sections) =>
        [.. sections.OrderBy(s => Array.IndexOf(KnownOrder, s.Name) is var i && i >= 0 ? i : KnownOrder.Length).ThenBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>The sections named in <paramref name="only"/> (all when empty); throws naming any unknown name and the known ones.</summary>
    public static IReadOnlyList<IBenchSection> Select(IReadOnlyList<IBenchSection> sections, IReadOnlyCollection<string>? only)
    {
        if (only is null || only.Count == 0) return sections;
        var unknown = only.Where(n => sections.All(s => s.Name != n)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException($"--only: unknown section(s) {string.Join(", ", unknown)}; known: {string.Join(", ", sections.Select(s => s.Name))}");
        return [.. sections.Where(s => only.Contains(s.Name))];
    }

    /// <summary>Runs <paramref name="sections"/> and writes report.md, results.json and the charts into the output folder.</summary>
    public static async Task<BenchRunResult> RunAsync(IReadOnlyList<IBenchSection> sections, BenchRunOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var results = new List<SectionResult>();
        foreach (var section in sections)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(await RunSectionAsync(section, options, log, cancellationToken));
        }
        var result = new BenchRunResult(options, started, clock.Elapsed.TotalSeconds, MachineDescription.Detect(), results);
        ReportWriter.Write(result);
        return result;
    }

    private static async Task<SectionResult> RunSectionAsync(IBenchSection section, BenchRunOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var context = new BenchContext(options.Quick, options.OutputDirectory, log);
        var clock = Stopwatch.StartNew();
        log.WriteLine($"bench: {section.Name}: {section.Title}");
        IReadOnlyList<BenchRow> rows = [];
        string? error = null;
        try
        {
            rows = await section.RunAsync(context, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            error = $"{e.GetType().Name}: {e.Message}";
            log.WriteLine($"bench: section {section.Name} failed: {e}");
        }
        if (context.Failures.Count > 0)
        {
            var failures = string.Join("; ", context.Failures);
            error = error is null ? failures : $"{error}; {failures}";
            log.WriteLine($"bench: section {section.Name}: {failures}");
        }
        var plots = new List<string>();
        var notes = new List<string>(context.Notes);
        foreach (var plot in context.Plots)
        {
            try
            {
                plots.Add(PlotRenderer.Render(plot, options.OutputDirectory));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A chart that will not draw (a native library missing) must not cost the section its numbers.
                notes.Add($"chart {plot.Name} could not be drawn: {e.GetType().Name}: {e.Message}");
                log.WriteLine($"bench: chart {plot.Name} of {section.Name} failed: {e}");
            }
        }
        log.WriteLine($"bench: {section.Name} {(error is null ? "done" : "FAILED")} in {clock.Elapsed.TotalSeconds:F1} s");
        return new SectionResult(section.Name, section.Title, rows, plots, notes, error, clock.Elapsed.TotalSeconds);
    }
}
