namespace Dagger.Orleans.Diagnostics;

/// <summary>How long <see cref="AllocationProbe"/> warms up and measures.</summary>
public sealed record AllocationProbeOptions
{
    /// <summary>Calls each node makes before measuring starts: JIT tiers, pools and buffers reach their steady state.</summary>
    public int WarmupCalls { get; init; } = 30;

    /// <summary>Calls measured per node (at least; nodes upstream of a slower one make more).</summary>
    public int MeasuredCalls { get; init; } = 20;

    /// <summary>
    /// The most time the probe takes: warm-up ends at half of it, measuring at all of it (after the round under way),
    /// even if a node made fewer calls than asked — a node that sleeps, say.
    /// </summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Measuring windows at most: while a node is over budget the calls are measured again (up to this many windows in
    /// all) and each node keeps its best window, so a one-off allocation of the runtime's does not fail a node.
    /// </summary>
    public int Windows { get; init; } = 3;

    /// <summary>Rounds (one call of every source, everything downstream drained) per phase at most, in multiples of the calls asked for: bounds a node that is seldom fed.</summary>
    public int RoundsPerCall { get; init; } = 64;

    internal void Check()
    {
        if (WarmupCalls < 0) throw new ArgumentOutOfRangeException(nameof(WarmupCalls), $"warm-up calls must be 0 or more (got {WarmupCalls})");
        if (MeasuredCalls < 1) throw new ArgumentOutOfRangeException(nameof(MeasuredCalls), $"measured calls must be 1 or more (got {MeasuredCalls})");
        if (TimeLimit <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(TimeLimit), $"the time limit must be positive (got {TimeLimit})");
        if (Windows < 1) throw new ArgumentOutOfRangeException(nameof(Windows), $"windows must be 1 or more (got {Windows})");
        if (RoundsPerCall < 1) throw new ArgumentOutOfRangeException(nameof(RoundsPerCall), $"rounds per call must be 1 or more (got {RoundsPerCall})");
    }
}
