using Dagger.Orleans.Gpu;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Signal;
using Dagger.Orleans.Wire;
using Xunit;
using Xunit.Abstractions;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>
/// The HPEC Challenge frequency-domain FIR filter bank (FDFIR) on the TDFIR data sets: M filters, each with its own K
/// complex taps and N-sample input, full convolution by FFT. HPEC's FDFIR acceptance rule: every output component
/// within N·10·ε of the double-precision reference, relative to the output's magnitude (ε = 1.19e−7).
/// </summary>
public sealed class FdFirTests(ITestOutputHelper log)
{
    private const double Epsilon = HpecFirSets.Epsilon;

    public static TheoryData<int, int, int> Sets => HpecFirSets.Sets;

    [Theory]
    [MemberData(nameof(Sets))]
    public void The_cpu_reference_matches_the_double_tdfir_reference_within_the_hpec_tolerance(int m, int n, int k)
    {
        var (inputs, taps) = Bank(m, n, k);
        var outLength = n + k - 1;
        var y = new float[2 * outLength];
        var worst = 0.0;
        for (var f = 0; f < m; f++)
        {
            var filter = new FastConvolution(taps.AsSpan(2 * f * k, 2 * k).ToArray());
            var x = inputs.AsSpan(2 * f * n, 2 * n);
            filter.Full(x, y, filter.FftLength(n, null, "test"), "test");
            worst = Math.Max(worst, WorstComponentError(y, SignalData.Convolve(x, taps.AsSpan(2 * f * k, 2 * k))));
        }
        log.WriteLine($"M={m} N={n} K={k}: worst relative error {worst:E2}, HPEC tolerance N·10·eps = {n * 10 * Epsilon:E2}");
        Assert.True(worst <= n * 10 * Epsilon, $"worst relative error {worst:E3} exceeds N·10·eps = {n * 10 * Epsilon:E3}");
    }

    /// <summary>Set 1 in full on the CPU accelerator: 64 rows, FFTs of 8192 samples.</summary>
    [Theory]
    [MemberData(nameof(Sets))]
    public void The_ilgpu_kernel_on_the_cpu_accelerator_meets_the_hpec_tolerance_and_agrees_with_the_cpu_reference(int m, int n, int k)
    {
        var (inputs, taps) = Bank(m, n, k);
        // One filter for every row: the kernel, like the operator, applies one tap set to a whole batch.
        var h = taps.AsSpan(0, 2 * k).ToArray();
        var filter = new FastConvolution(h);
        var fftLength = filter.FftLength(n, null, "test");
        using var kernel = new FdFirKernel(SignalData.CpuAccelerator);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var output = kernel.Run(inputs, m, n, filter, fftLength, "test").ToArray();

        log.WriteLine($"M={m} N={n} K={k} F={fftLength}: kernel {started.ElapsedMilliseconds} ms on {SignalData.CpuAccelerator}");
        var outLength = n + k - 1;
        var cpu = new float[2 * outLength];
        double worst = 0, worstDifference = 0;
        for (var f = 0; f < m; f++)
        {
            var x = inputs.AsSpan(2 * f * n, 2 * n);
            var row = output.AsSpan(2 * f * outLength, 2 * outLength);
            worst = Math.Max(worst, WorstComponentError(row, SignalData.Convolve(x, h)));
            filter.Full(x, cpu, fftLength, "test");
            for (var i = 0; i < cpu.Length; i++) worstDifference = Math.Max(worstDifference, Math.Abs(cpu[i] - row[i]));
        }
        log.WriteLine($"worst relative error {worst:E2}; largest difference from the CPU path {worstDifference:E2}");
        Assert.True(worst <= n * 10 * Epsilon, $"worst relative error {worst:E3} exceeds N·10·eps = {n * 10 * Epsilon:E3}");
        // Same algorithm and twiddles on both paths: they differ by float32 rounding only (outputs are of order sqrt(K)).
        Assert.True(worstDifference <= 1e-4, $"the kernel and the CPU path differ by {worstDifference:E3}");
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void The_operator_gives_the_full_convolution_like_fir(string device)
    {
        const string args = """{"taps":"0.5,0.1;-0.25,0.3;0.125,-0.2;1,0;0,0.75"}""";
        var data = SignalData.RandomComplex(6 * 100, seed: 3);
        var vectors = Enumerable.Range(0, 6).Select(e => data.AsSpan(200 * e, 200).ToArray()).ToArray();
        var fir = OperatorHarness.Create<TransformOperator>("fir", args, "cpu");
        var fdfir = OperatorHarness.Create<TransformOperator>("fdfir", args, device);

        var expected = OperatorHarness.Elements(OperatorHarness.Transform(fir, [OperatorHarness.ComplexBatch(vectors[..3]), OperatorHarness.ComplexBatch(vectors[3..])]));
        var actual = OperatorHarness.Elements(OperatorHarness.Transform(fdfir, [OperatorHarness.ComplexBatch(vectors[..3]), OperatorHarness.ComplexBatch(vectors[3..])]));

        Assert.Equal(6, actual.Count);
        for (var e = 0; e < 6; e++)
        {
            Assert.Equal(2 * 104, actual[e].Length);
            for (var i = 0; i < actual[e].Length; i++) Assert.True(Math.Abs(expected[e][i] - actual[e][i]) < 1e-5, $"element {e} value {i}: fir {expected[e][i]}, fdfir {actual[e][i]}");
        }
    }

    [Fact]
    public void An_fft_size_too_short_for_the_full_convolution_is_an_error_naming_the_node_and_the_size_needed()
    {
        var fdfir = OperatorHarness.Create<TransformOperator>("fdfir", """{"taps":"1,0;0,1;1,1","fft_size":64}""");
        var batch = OperatorHarness.ComplexBatch(SignalData.RandomComplex(63, seed: 1));

        var error = Assert.Throws<ArgumentException>(() => OperatorHarness.Transform(fdfir, [batch]));

        Assert.Contains("fdfir (node 'fdfir')", error.Message);
        Assert.Contains("N+K-1 = 63+3-1 = 65", error.Message);
        Assert.Contains("128", error.Message);
    }

    [Fact]
    public void A_larger_fft_size_gives_the_same_output()
    {
        var taps = SignalData.RandomComplex(7, seed: 5);
        var x = SignalData.RandomComplex(50, seed: 6);
        var filter = new FastConvolution(taps);
        var small = new float[2 * 56];
        var large = new float[2 * 56];

        filter.Full(x, small, filter.FftLength(50, null, "test"), "test");
        new FastConvolution(taps).Full(x, large, filter.FftLength(50, 256, "test"), "test");

        Assert.Equal(64, filter.FftLength(50, null, "test"));
        for (var i = 0; i < small.Length; i++) Assert.True(Math.Abs(small[i] - large[i]) < 1e-5, $"value {i}: F=64 {small[i]}, F=256 {large[i]}");
    }

    private static (float[] Inputs, float[] Taps) Bank(int m, int n, int k) => HpecFirSets.Bank(m, n, k);

    /// <summary>HPEC's FDFIR check: max over outputs of |component − reference| / |reference| (reference exactly 0: the absolute value).</summary>
    private static double WorstComponentError(ReadOnlySpan<float> y, ReadOnlySpan<double> reference)
    {
        var worst = 0.0;
        for (var i = 0; i < reference.Length; i += 2)
        {
            var magnitude = Math.Sqrt(reference[i] * reference[i] + reference[i + 1] * reference[i + 1]);
            var scale = magnitude == 0 ? 1 : magnitude;
            worst = Math.Max(worst, Math.Max(Math.Abs(y[i] - reference[i]), Math.Abs(y[i + 1] - reference[i + 1])) / scale);
        }
        return worst;
    }
}
