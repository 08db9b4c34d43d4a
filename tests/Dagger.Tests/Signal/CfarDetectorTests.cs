using Dagger.Orleans.Operators.Signal;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>The prefix-sum CFAR (vectorised interior, scalar edges) gives the running-sum loop's ratios.</summary>
public sealed class CfarDetectorTests
{
    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(7, 2, 3)]
    [InlineData(20, 4, 5)]
    [InlineData(21, 4, 5)]
    [InlineData(512, 4, 5)]
    [InlineData(3500, 8, 10)]
    [InlineData(9903, 16, 20)]
    public void The_simd_ratios_equal_the_running_sum_ratios(int cells, int guard, int reference)
    {
        var random = new Random(cells);
        var x = new float[cells];
        for (var j = 0; j < cells; j++) x[j] = (float)(random.NextDouble() * (j % 97 == 0 ? 40 : 1));
        var fast = new float[cells];
        var reference_ = new float[cells];

        CfarDetector.Ratios(x, fast, guard, reference);
        CfarDetector.RatiosReference(x, reference_, guard, reference);

        for (var j = 0; j < cells; j++)
            Assert.True(Math.Abs(fast[j] - reference_[j]) <= 1e-5 * Math.Max(1, Math.Abs(reference_[j])), $"cell {j}: {fast[j]} vs {reference_[j]}");
    }
}
