namespace Dagger.Orleans.Operators.Signal;

/// <summary>Complex convolution, the CPU reference of <c>fir</c> (and the HPEC TDFIR kernel).</summary>
public static class Convolution
{
    /// <summary>
    /// The full convolution y[i] = Σₖ h[k]·x[i−k], i = 0 … N+K−2, over the terms where 0 ≤ i−k &lt; N; all three are
    /// interleaved re, im; y holds N+K−1 samples. Each output accumulates in double (float32 products are exact there)
    /// and is rounded to float32 once, so HPEC's per-output bound K·10·ε holds even for outputs that nearly cancel (a
    /// float32 sum breaks it there).
    /// </summary>
    public static void Full(ReadOnlySpan<float> x, ReadOnlySpan<float> h, Span<float> y) => Simd.DirectFir.Full(x, h, y);

    /// <summary>The same sum, one output at a time in scalar double: the reference the SIMD code is tested against.</summary>
    public static void FullScalar(ReadOnlySpan<float> x, ReadOnlySpan<float> h, Span<float> y)
    {
        var n = x.Length / 2;
        var k = h.Length / 2;
        if (y.Length != 2 * (n + k - 1)) throw new ArgumentException($"the full convolution of {n} and {k} samples has {n + k - 1} samples, not {y.Length / 2}", nameof(y));
        for (var i = 0; i < n + k - 1; i++)
        {
            var first = Math.Max(0, i - n + 1);
            var last = Math.Min(k - 1, i);
            double re = 0, im = 0;
            for (var j = first; j <= last; j++)
            {
                double hr = h[2 * j], hi = h[2 * j + 1];
                double xr = x[2 * (i - j)], xi = x[2 * (i - j) + 1];
                re += hr * xr - hi * xi;
                im += hr * xi + hi * xr;
            }
            y[2 * i] = (float)re;
            y[2 * i + 1] = (float)im;
        }
    }
}
