using Dagger.Orleans.Gpu;
using Dagger.Orleans.Operators.Signal;
using Xunit;
using Xunit.Abstractions;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>
/// The HPEC Challenge time-domain FIR filter bank (TDFIR): M filters, each with its own K complex taps and its own
/// N-sample complex input, full convolution (N+K−1 outputs). HPEC's acceptance rule: the relative error of every
/// output against a double-precision reference is at most K·10·ε, ε = 1.19e−7 (float32). Data: seeded uniform
/// random complex numbers in [−1, 1), as HPEC's generator makes random data.
/// </summary>
public sealed class HpecTdFirTests(ITestOutputHelper log)
{
    private const double Epsilon = HpecFirSets.Epsilon;

    public static TheoryData<int, int, int> Sets => HpecFirSets.Sets;

    [Theory]
    [MemberData(nameof(Sets))]
    public void The_cpu_reference_meets_the_hpec_error_bound(int m, int n, int k)
    {
        var (inputs, taps) = Bank(m, n, k);
        var y = new float[2 * (n + k - 1)];
        var worst = 0.0;
        for (var f = 0; f < m; f++)
        {
            var x = inputs.AsSpan(2 * f * n, 2 * n);
            var h = taps.AsSpan(2 * f * k, 2 * k);
            Convolution.Full(x, h, y);
            worst = Math.Max(worst, WorstRelativeError(y, SignalData.Convolve(x, h)));
        }
        log.WriteLine($"M={m} N={n} K={k}: worst relative error {worst:E2}, bound {k * 10 * Epsilon:E2}");
        Assert.True(worst <= k * 10 * Epsilon, $"worst relative error {worst:E3} exceeds K·10·eps = {k * 10 * Epsilon:E3}");
    }

    /// <summary>Set 1 runs in full on the CPU accelerator too (34.6 M complex multiply-adds, about a second on 2 cores).</summary>
    [Theory]
    [MemberData(nameof(Sets))]
    public void The_ilgpu_kernel_on_the_cpu_accelerator_meets_the_hpec_error_bound(int m, int n, int k)
    {
        var (inputs, taps) = Bank(m, n, k);
        using var kernel = new FirKernel(SignalData.CpuAccelerator);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var output = kernel.Run(inputs, m, n, taps, k).ToArray();

        log.WriteLine($"M={m} N={n} K={k}: kernel {started.ElapsedMilliseconds} ms on {SignalData.CpuAccelerator}");
        var worst = 0.0;
        var outLength = n + k - 1;
        for (var f = 0; f < m; f++)
        {
            var reference = SignalData.Convolve(inputs.AsSpan(2 * f * n, 2 * n), taps.AsSpan(2 * f * k, 2 * k));
            worst = Math.Max(worst, WorstRelativeError(output.AsSpan(2 * f * outLength, 2 * outLength), reference));
        }
        log.WriteLine($"worst relative error {worst:E2}, bound {k * 10 * Epsilon:E2}");
        Assert.True(worst <= k * 10 * Epsilon, $"worst relative error {worst:E3} exceeds K·10·eps = {k * 10 * Epsilon:E3}");
    }

    private static (float[] Inputs, float[] Taps) Bank(int m, int n, int k) => HpecFirSets.Bank(m, n, k);

    /// <summary>max over outputs of |y − y_ref| / |y_ref| (complex magnitudes).</summary>
    private static double WorstRelativeError(ReadOnlySpan<float> y, ReadOnlySpan<double> reference)
    {
        var worst = 0.0;
        for (var i = 0; i < reference.Length; i += 2)
        {
            var dr = y[i] - reference[i];
            var di = y[i + 1] - reference[i + 1];
            var magnitude = Math.Sqrt(reference[i] * reference[i] + reference[i + 1] * reference[i + 1]);
            worst = Math.Max(worst, Math.Sqrt(dr * dr + di * di) / magnitude);
        }
        return worst;
    }
}
