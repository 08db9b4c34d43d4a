using System.Globalization;
using Dagger.Orleans.Bench.Reporting;

namespace Dagger.Orleans.Bench.Running;

/// <summary>
/// What <c>dagger bench</c> does, apart from parsing: picks the sections, chooses the output folder, runs, prints
/// where the report went. In this assembly so tests can run it in process.
/// </summary>
public static class BenchMain
{
    public const string ResultsFolder = "bench-results";
    public const string LatestFolder = "latest";

    /// <summary>Runs the bench; returns the exit code (0 every section ran, 1 a section failed, 2 bad arguments).</summary>
    /// <param name="outputDirectory">Null: <c>bench-results/&lt;yyyy-MM-dd_HHmm&gt;/</c> under the current folder, then copied to <c>bench-results/latest/</c>.</param>
    public static async Task<int> RunAsync(bool quick, string? only, string? outputDirectory, string commandLine, bool debugBuild,
        TextWriter output, TextWriter log, CancellationToken cancellationToken)
    {
        var names = only?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        IReadOnlyList<IBenchSection> sections;
        try
        {
            sections = BenchRunner.Select(BenchRunner.Discover(), names);
        }
        catch (ArgumentException e)
        {
            await log.WriteLineAsync($"dagger bench: {e.Message}");
            return 2;
        }
        if (debugBuild) await log.WriteLineAsync("dagger bench: warning: this is a Debug build, so the numbers mean little; build with -c Release (./dagger does).");

        var stamped = outputDirectory is null;
        var directory = Path.GetFullPath(outputDirectory ?? Path.Combine(ResultsFolder, DateTime.Now.ToString("yyyy-MM-dd_HHmm", CultureInfo.InvariantCulture)));
        var options = new BenchRunOptions(quick, names, directory, commandLine, debugBuild);
        await log.WriteLineAsync($"dagger bench: {(quick ? "quick run" : "full run (several minutes)")}: {string.Join(", ", sections.Select(s => s.Name))} → {directory}");
        var result = await BenchRunner.RunAsync(sections, options, log, cancellationToken);

        var report = Path.Combine(directory, ReportWriter.MarkdownFile);
        if (stamped)
        {
            var latest = Path.Combine(Path.GetDirectoryName(directory)!, LatestFolder);
            CopyFolder(directory, latest);
            report += $" (and {Path.Combine(latest, ReportWriter.MarkdownFile)})";
        }
        foreach (var s in result.Sections.Where(s => s.Failed)) await log.WriteLineAsync($"dagger bench: section {s.Name} failed: {s.Error}");
        var misses = result.Sections.SelectMany(s => s.Rows).Count(r => r.MissesGoal);
        await output.WriteLineAsync($"report: {report}; {result.Sections.Count(s => !s.Failed)} of {result.Sections.Count} sections ran, "
            + $"{misses} row(s) miss their goal, {result.Seconds:F0} s");
        return result.ExitCode;
    }

    /// <summary>Replaces <paramref name="target"/> with a copy of <paramref name="source"/>'s files.</summary>
    private static void CopyFolder(string source, string target)
    {
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }
}
