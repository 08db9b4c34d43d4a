namespace Dagger.Orleans.Bench;

/// <summary>One suite of <c>dagger bench</c>: measures its cases and their baselines side by side and returns the rows.</summary>
/// <remarks>The runner finds every public, non-abstract implementation with a public parameterless constructor in this assembly.</remarks>
public interface IBenchSection
{
    /// <summary>Short name used by <c>--only</c> and in file names ("chain", "hpec").</summary>
    string Name { get; }

    /// <summary>Heading in the report.</summary>
    string Title { get; }

    Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context, CancellationToken cancellationToken);
}

/// <summary>What every section gets from the runner.</summary>
/// <param name="Quick">A short smoke run (tests, CI): small sizes, few repetitions; the numbers only prove it works.</param>
/// <param name="OutputDirectory">Where the report goes; a section may write extra files (raw data) here.</param>
/// <param name="Log">Progress lines for the user (stderr in the CLI).</param>
public sealed record BenchContext(bool Quick, string OutputDirectory, TextWriter Log)
{
    /// <summary>Charts the section wants in the report (rendered to PNG by the runner after the section ends).</summary>
    public IList<BenchPlot> Plots { get; } = [];

    /// <summary>Lines printed under the section's table: how it was measured, caveats.</summary>
    public IList<string> Notes { get; } = [];

    /// <summary>Cases that could not be measured (a server not installed, a run that failed), each naming the case and why.
    /// The section's other rows are still reported, but the section counts as failed.</summary>
    public IList<string> Failures { get; } = [];
}
