namespace Dagger.Orleans.Bench.Running;

/// <summary>How <c>dagger bench</c> was asked to run.</summary>
/// <param name="Quick">Tiny sizes, one measured run each: proves the suite works, in well under a minute.</param>
/// <param name="Only">Section names to run; null or empty runs them all.</param>
/// <param name="OutputDirectory">Where report.md, results.json and the PNGs go (created when missing).</param>
/// <param name="CommandLine">The command as the user typed it, for the report.</param>
/// <param name="DebugBuild">True when the bench code was compiled in Debug: the numbers then mean little, and the report says so.</param>
public sealed record BenchRunOptions(
    bool Quick,
    IReadOnlyCollection<string>? Only,
    string OutputDirectory,
    string CommandLine,
    bool DebugBuild = false);
