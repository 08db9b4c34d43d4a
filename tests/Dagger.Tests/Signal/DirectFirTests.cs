using Dagger.Orleans.Operators.Signal;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>
/// The SIMD convolution gives, output for output, the scalar double sum rounded once: on lengths around its 16-output
/// blocks, filters longer than the input, and one-sample edge cases.
/// </summary>
public sealed class DirectFirTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 7)]
    [InlineData(7, 1)]
    [InlineData(15, 2)]
    [InlineData(16, 1)]
    [InlineData(17, 16)]
    [InlineData(5, 40)]
    [InlineData(300, 33)]
    [InlineData(1024, 128)]
    public void The_simd_convolution_equals_the_scalar_double_sum(int n, int k)
    {
        var x = SignalData.RandomComplex(n, seed: n);
        var h = SignalData.RandomComplex(k, seed: 1000 + k);
        var simd = new float[2 * (n + k - 1)];
        var scalar = new float[2 * (n + k - 1)];

        Convolution.Full(x, h, simd);
        Convolution.FullScalar(x, h, scalar);

        // Both are the exact sum rounded once, up to the order of the double additions: a float32 ulp at most.
        for (var i = 0; i < simd.Length; i++)
            Assert.True(Math.Abs(simd[i] - scalar[i]) <= 1.2e-7 * Math.Max(1, Math.Abs(scalar[i])), $"n={n} k={k} value {i}: simd {simd[i]}, scalar {scalar[i]}");
    }

    [Fact]
    public void A_wrong_output_length_is_refused_with_the_length_needed()
    {
        var error = Assert.Throws<ArgumentException>(() => Convolution.Full(new float[20], new float[6], new float[10]));

        Assert.Contains("12 samples", error.Message);
    }
}
