using Dagger.Orleans.Gpu;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>Seeded test signals and double-precision references.</summary>
internal static class SignalData
{
    /// <summary>The ILGPU CPU accelerator, created once for the kernel tests of this process.</summary>
    public static SharedAccelerator CpuAccelerator => s_cpu.Value;

    private static readonly Lazy<SharedAccelerator> s_cpu = new(SharedAccelerator.CreateCpu);

    /// <summary><paramref name="samples"/> complex samples, re and im uniform in [−1, 1).</summary>
    public static float[] RandomComplex(int samples, int seed)
    {
        var random = new Random(seed);
        var x = new float[2 * samples];
        for (var i = 0; i < x.Length; i++) x[i] = (float)(2 * random.NextDouble() - 1);
        return x;
    }

    /// <summary>The DFT in double: X[k] = Σₙ x[n]·exp(∓2πj·kn/N).</summary>
    public static double[] Dft(ReadOnlySpan<float> x, bool inverse)
    {
        var n = x.Length / 2;
        var result = new double[2 * n];
        var sign = inverse ? 1 : -1;
        for (var k = 0; k < n; k++)
        {
            double re = 0, im = 0;
            for (var t = 0; t < n; t++)
            {
                var angle = sign * 2 * Math.PI * ((long)k * t % n) / n;
                var (c, s) = (Math.Cos(angle), Math.Sin(angle));
                re += x[2 * t] * c - x[2 * t + 1] * s;
                im += x[2 * t] * s + x[2 * t + 1] * c;
            }
            result[2 * k] = inverse ? re / n : re;
            result[2 * k + 1] = inverse ? im / n : im;
        }
        return result;
    }

    /// <summary>The full convolution in double.</summary>
    public static double[] Convolve(ReadOnlySpan<float> x, ReadOnlySpan<float> h)
    {
        var n = x.Length / 2;
        var k = h.Length / 2;
        var y = new double[2 * (n + k - 1)];
        for (var i = 0; i < n + k - 1; i++)
        {
            double re = 0, im = 0;
            for (var j = Math.Max(0, i - n + 1); j <= Math.Min(k - 1, i); j++)
            {
                double hr = h[2 * j], hi = h[2 * j + 1], xr = x[2 * (i - j)], xi = x[2 * (i - j) + 1];
                re += hr * xr - hi * xi;
                im += hr * xi + hi * xr;
            }
            y[2 * i] = re;
            y[2 * i + 1] = im;
        }
        return y;
    }

    /// <summary>The largest |a − b| over all floats, relative to the largest |b| (the vectors' scale).</summary>
    public static double RelativeMaxError(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        double worst = 0, scale = 0;
        for (var i = 0; i < b.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
            scale = Math.Max(scale, Math.Abs(b[i]));
        }
        return worst / scale;
    }
}
