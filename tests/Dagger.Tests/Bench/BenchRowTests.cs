using Dagger.Orleans.Bench;
using Xunit;

namespace Dagger.Orleans.Tests.Bench;

public sealed class BenchRowTests
{
    [Fact]
    public void Throughput_ratio_is_dagger_over_baseline()
    {
        var row = new BenchRow("chain", "memory", "el/s", 80, "TPL Dataflow", 100);
        Assert.Equal(0.8, row.Ratio!.Value, 9);
    }

    [Fact]
    public void Latency_ratio_is_baseline_over_dagger_so_above_one_is_still_better()
    {
        var row = new BenchRow("latency", "memory p50", "µs", 50, "Channel<T>", 100, HigherIsBetter: false);
        Assert.Equal(2.0, row.Ratio!.Value, 9);
    }

    [Fact]
    public void A_row_without_a_baseline_has_no_ratio_and_misses_no_unset_goal()
    {
        var row = new BenchRow("chain", "memory", "el/s", 80);
        Assert.Null(row.Ratio);
        Assert.False(row.MissesGoal);
    }

    [Theory]
    [InlineData(70, 100, false)]
    [InlineData(69.9, 100, true)]
    [InlineData(150, 100, false)]
    public void A_goal_is_met_at_or_above_its_ratio(double value, double baseline, bool misses)
    {
        var row = new BenchRow("chain", "nats", "el/s", value, "raw NATS", baseline, Goal: 0.7);
        Assert.Equal(misses, row.MissesGoal);
    }

    [Fact]
    public void A_goal_without_a_measurable_ratio_counts_as_missed()
    {
        Assert.True(new BenchRow("chain", "nats", "el/s", 0, "raw NATS", 100, Goal: 0.7).MissesGoal);
    }
}

public sealed class NumberFormatTests
{
    [Theory]
    [InlineData(688_500_000, "el/s", "688 M el/s")]
    [InlineData(11_056, "tasks/s", "11.1 k tasks/s")]
    [InlineData(2804, "tasks/s", "2804 tasks/s")]
    [InlineData(2.591, "µs", "2.59 µs")]
    [InlineData(13_042, "µs", "13.0 ms")]
    [InlineData(0.5, "", "0.5")]
    public void Values_read_with_three_significant_figures_and_a_prefix(double value, string unit, string expected) =>
        Assert.Equal(expected, Dagger.Orleans.Bench.Reporting.NumberFormat.Value(value, unit));
}
