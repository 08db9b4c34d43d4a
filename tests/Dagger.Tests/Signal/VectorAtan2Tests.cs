using Dagger.Orleans.Operators.Signal.Simd;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>The vectorised atan2 of fm_demod against Math.Atan2, in every octant, on the axes and at zero.</summary>
public sealed class VectorAtan2Tests
{
    [Fact]
    public void It_matches_math_atan2_within_a_few_float_ulps_all_around_the_circle()
    {
        var ys = new List<float>();
        var xs = new List<float>();
        for (var i = 0; i < 3601; i++)
        {
            var angle = -Math.PI + i * (2 * Math.PI / 3600);
            var radius = 0.001 + (i % 13) * 7.5;
            ys.Add((float)(radius * Math.Sin(angle)));
            xs.Add((float)(radius * Math.Cos(angle)));
        }
        ys.AddRange([0f, 0f, 1f, -1f, 0f]);
        xs.AddRange([1f, -1f, 0f, 0f, 0f]);
        var angles = new float[ys.Count];

        VectorAtan2.Compute(ys.ToArray(), xs.ToArray(), angles);

        for (var i = 0; i < angles.Length; i++)
        {
            var expected = xs[i] == 0 && ys[i] == 0 ? 0 : Math.Atan2(ys[i], xs[i]);
            Assert.True(Math.Abs(angles[i] - expected) <= 1e-6, $"atan2({ys[i]}, {xs[i]}): {angles[i]}, expected {expected}");
        }
    }
}
