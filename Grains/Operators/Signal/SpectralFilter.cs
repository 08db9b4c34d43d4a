namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// Fast convolution on the CPU, the reference for the kernels: a filter's spectrum, and one row filtered by it
/// (zero-pad, FFT, multiply, inverse FFT, cut). <c>fdfir</c> uses FFT(h); <c>pulse_compress</c> the conjugate FFT of
/// its chirp (a correlation).
/// </summary>
internal static class SpectralFilter
{
    /// <summary>FFT of <paramref name="h"/> (interleaved complex) zero-padded to <paramref name="fftLength"/>; conjugated if asked.</summary>
    public static float[] SpectrumOf(ReadOnlySpan<float> h, int fftLength, bool conjugate, string what)
    {
        var spectrum = new float[2 * fftLength];
        h.CopyTo(spectrum);
        FftPlan.For(fftLength, what).Transform(spectrum, inverse: false);
        if (conjugate)
        {
            for (var k = 1; k < spectrum.Length; k += 2) spectrum[k] = -spectrum[k];
        }
        return spectrum;
    }

    /// <summary>
    /// Filters row <paramref name="x"/> by <paramref name="spectrum"/> with FFTs of <paramref name="fftLength"/> and writes
    /// the first <c>y.Length / 2</c> samples to <paramref name="y"/>; <paramref name="work"/> is reused (grown to the FFT length).
    /// </summary>
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, float[] spectrum, int fftLength, ref float[] work, string what)
    {
        var plan = FftPlan.For(fftLength, what);
        if (work.Length != 2 * fftLength) work = new float[2 * fftLength];
        var row = work.AsSpan();
        x.CopyTo(row);
        row[x.Length..].Clear();
        plan.Transform(row, inverse: false);
        Simd.ComplexLayout.MultiplyInPlace(row, spectrum);
        plan.Transform(row, inverse: true);
        row[..y.Length].CopyTo(y);
    }
}
