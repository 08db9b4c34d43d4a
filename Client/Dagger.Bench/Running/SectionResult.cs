namespace Dagger.Orleans.Bench.Running;

/// <summary>What one section produced: its rows and charts, or why it failed.</summary>
/// <param name="Name">The section's short name.</param>
/// <param name="Title">Its heading.</param>
/// <param name="Rows">Measured rows (empty when it failed before returning any).</param>
/// <param name="PlotFiles">PNG file names written into the output folder.</param>
/// <param name="Notes">Lines for under the table.</param>
/// <param name="Error">Null when the section ran; otherwise the exception's type and message.</param>
/// <param name="Seconds">How long the section took.</param>
public sealed record SectionResult(
    string Name,
    string Title,
    IReadOnlyList<BenchRow> Rows,
    IReadOnlyList<string> PlotFiles,
    IReadOnlyList<string> Notes,
    string? Error,
    double Seconds)
{
    public bool Failed => Error is not null;
}

/// <summary>A whole <c>dagger bench</c> run.</summary>
public sealed record BenchRunResult(BenchRunOptions Options, DateTimeOffset Started, double Seconds, MachineDescription Machine, IReadOnlyList<SectionResult> Sections)
{
    public bool AnyFailed => Sections.Any(s => s.Failed);

    /// <summary>0 when every section ran (goal misses are flagged in the report, not errors), 1 when a section failed.</summary>
    public int ExitCode => AnyFailed ? 1 : 0;
}
