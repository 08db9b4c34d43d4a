using System.Numerics;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// Pulse compression by fast correlation with the transmitted chirp s (N samples): for an input of L samples,
/// y[m] = Σₙ x[m+n]·conj(s[n]), m = 0 … L−1 (x is zero past its end), computed as IFFT(FFT(x)·conj(FFT(s))) with
/// both zero-padded to F = the next power of two ≥ L+N−1, so the circular correlation never wraps. An echo that
/// starts at range gate R peaks at y[R], with height N·amplitude.
/// </summary>
public sealed class MatchedFilter
{
    private readonly float[] _chirp;
    private float[] _spectrum = [];
    private float[] _work = [];

    public MatchedFilter(int samples, double bandwidth)
    {
        Samples = samples;
        _chirp = Chirp.Create(samples, bandwidth);
    }

    public int Samples { get; }

    /// <summary>The FFT length for inputs of <paramref name="length"/> samples.</summary>
    public int FftLength(int length) => (int)BitOperations.RoundUpToPowerOf2((uint)(length + Samples - 1));

    /// <summary>conj(FFT(s)) zero-padded to <paramref name="fftLength"/> (interleaved), computed once per length.</summary>
    public float[] ConjugateSpectrum(int fftLength, string what)
    {
        if (_spectrum.Length == 2 * fftLength) return _spectrum;
        var spectrum = new float[2 * fftLength];
        _chirp.CopyTo(spectrum, 0);
        FftPlan.For(fftLength, what).Transform(spectrum, inverse: false);
        for (var k = 1; k < spectrum.Length; k += 2) spectrum[k] = -spectrum[k];
        return _spectrum = spectrum;
    }

    /// <summary>The CPU reference: compresses one pulse <paramref name="x"/> into <paramref name="y"/> (same length).</summary>
    public void Compress(ReadOnlySpan<float> x, Span<float> y, string what)
    {
        var fftLength = FftLength(x.Length / 2);
        var plan = FftPlan.For(fftLength, what);
        var spectrum = ConjugateSpectrum(fftLength, what);
        if (_work.Length != 2 * fftLength) _work = new float[2 * fftLength];
        var work = _work.AsSpan();
        x.CopyTo(work);
        work[x.Length..].Clear();
        plan.Transform(work, inverse: false);
        for (var k = 0; k < work.Length; k += 2)
        {
            var (ar, ai, br, bi) = (work[k], work[k + 1], spectrum[k], spectrum[k + 1]);
            work[k] = ar * br - ai * bi;
            work[k + 1] = ar * bi + ai * br;
        }
        plan.Transform(work, inverse: true);
        work[..y.Length].CopyTo(y);
    }
}
