namespace Dagger.Orleans.Bench;

/// <summary>
/// One measured comparison in the report: what Dagger did (<see cref="Value"/>) next to a baseline measured in the same
/// run (<see cref="BaselineValue"/>), and the goal for their ratio when the issue sets one.
/// </summary>
/// <param name="Section">The suite that measured it ("chain", "hpec", ...).</param>
/// <param name="Case">What was measured, e.g. "memory edges, 8 nodes, batch 1024".</param>
/// <param name="Unit">Unit of both values, e.g. "elements/s", "Mflop/s", "µs".</param>
/// <param name="Value">Dagger's number.</param>
/// <param name="Baseline">What the baseline is, e.g. "TPL Dataflow"; null when the row has none.</param>
/// <param name="BaselineValue">The baseline's number, in <paramref name="Unit"/>.</param>
/// <param name="Goal">The least acceptable <see cref="Ratio"/>, when the issue sets one.</param>
/// <param name="HigherIsBetter">False for latencies: the ratio is then baseline ÷ Dagger, so above 1 is still better.</param>
/// <param name="Note">Anything a reader needs to interpret the row.</param>
public sealed record BenchRow(
    string Section,
    string Case,
    string Unit,
    double Value,
    string? Baseline = null,
    double? BaselineValue = null,
    double? Goal = null,
    bool HigherIsBetter = true,
    string? Note = null)
{
    /// <summary>Dagger ÷ baseline for throughputs, baseline ÷ Dagger for latencies; null without a baseline.</summary>
    public double? Ratio => BaselineValue is not { } baseline || baseline == 0 || Value == 0
        ? null
        : HigherIsBetter ? Value / baseline : baseline / Value;

    /// <summary>True when a goal is set and the ratio misses it.</summary>
    public bool MissesGoal => Goal is { } goal && (Ratio is not { } ratio || ratio < goal);
}
