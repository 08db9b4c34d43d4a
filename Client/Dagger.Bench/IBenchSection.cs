namespace Dagger.Orleans.Bench;

/// <summary>One suite of <c>dagger bench</c>: measures its cases and their baselines side by side and returns the rows.</summary>
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
public sealed record BenchContext(bool Quick, string OutputDirectory, TextWriter Log);
