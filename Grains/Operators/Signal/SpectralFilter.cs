using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Dagger.Orleans.Operators.Signal.Simd;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>A filter's spectrum interleaved (what the kernels upload) and split (what the SIMD CPU path multiplies by).</summary>
internal sealed class FilterSpectrum(float[] interleaved)
{
    public float[] Interleaved { get; } = interleaved;

    public float[] Re { get; } = Part(interleaved, 0);

    public float[] Im { get; } = Part(interleaved, 1);

    public int Length => Interleaved.Length / 2;

    private static float[] Part(float[] interleaved, int component)
    {
        var part = new float[interleaved.Length / 2];
        for (var k = 0; k < part.Length; k++) part[k] = interleaved[2 * k + component];
        return part;
    }
}

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
    /// Filters row <paramref name="x"/> by <paramref name="spectrum"/>, staying in split form between the transforms: FFT
    /// of the padded row, the product with the spectrum (conjugated, so the inverse is conj(FFT(conj(·)))/F), a second
    /// forward FFT read straight from the split product, and one pass that conjugates, scales and interleaves the first
    /// <c>y.Length / 2</c> samples into <paramref name="y"/>.
    /// </summary>
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, FilterSpectrum spectrum, int fftLength, ref float[] work, string what)
    {
        var plan = FftPlan.For(fftLength, what);
        // FFTW, where installed, beats our FFT by more than the split form saves: the interleaved path runs it.
        if (plan.UsesFftw || plan.Split is not { } fft || spectrum.Length != fftLength)
        {
            Apply(x, y, spectrum.Interleaved, fftLength, ref work, what);
            return;
        }
        if (work.Length != 2 * fftLength) work = new float[2 * fftLength];
        var row = work.AsSpan();
        x.CopyTo(row);
        row[x.Length..].Clear();
        var (re, im) = Scratch.Split(fftLength);
        var (productRe, productIm) = Scratch.SecondSplit(fftLength);
        fft.Forward(row, re, im, conjugateInput: false);
        MultiplyConjugated(re, im, spectrum.Re, spectrum.Im, productRe, productIm, fftLength);
        fft.Forward(productRe, productIm, re, im, conjugateInput: false);
        ComplexLayout.Join(re, im, y, 1f / fftLength, conjugate: true);
    }

    /// <summary>p = conj(a·b) over <paramref name="n"/> split samples.</summary>
    private static void MultiplyConjugated(float[] aRe, float[] aIm, float[] bRe, float[] bIm, float[] pRe, float[] pIm, int n)
    {
        ref var ar = ref MemoryMarshal.GetArrayDataReference(aRe);
        ref var ai = ref MemoryMarshal.GetArrayDataReference(aIm);
        ref var br = ref MemoryMarshal.GetArrayDataReference(bRe);
        ref var bi = ref MemoryMarshal.GetArrayDataReference(bIm);
        ref var pr = ref MemoryMarshal.GetArrayDataReference(pRe);
        ref var pi = ref MemoryMarshal.GetArrayDataReference(pIm);
        var k = 0;
        for (; k + 8 <= n; k += 8)
        {
            var uk = (nuint)k;
            var xr = Vector256.LoadUnsafe(ref ar, uk);
            var xi = Vector256.LoadUnsafe(ref ai, uk);
            var yr = Vector256.LoadUnsafe(ref br, uk);
            var yi = Vector256.LoadUnsafe(ref bi, uk);
            Vector256.MultiplyAddEstimate(xr, yr, -(xi * yi)).StoreUnsafe(ref pr, uk);
            (-Vector256.MultiplyAddEstimate(xr, yi, xi * yr)).StoreUnsafe(ref pi, uk);
        }
        for (; k < n; k++)
        {
            pRe[k] = aRe[k] * bRe[k] - aIm[k] * bIm[k];
            pIm[k] = -(aRe[k] * bIm[k] + aIm[k] * bRe[k]);
        }
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
