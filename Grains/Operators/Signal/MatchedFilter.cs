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
    private FilterSpectrum? _split;
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
        return _spectrum = SpectralFilter.SpectrumOf(_chirp, fftLength, conjugate: true, what);
    }

    /// <summary>The CPU reference: compresses one pulse <paramref name="x"/> into <paramref name="y"/> (same length).</summary>
    public void Compress(ReadOnlySpan<float> x, Span<float> y, string what)
    {
        var fftLength = FftLength(x.Length / 2);
        var spectrum = ConjugateSpectrum(fftLength, what);
        if (_split?.Interleaved != spectrum) _split = new FilterSpectrum(spectrum);
        SpectralFilter.Apply(x, y, _split, fftLength, ref _work, what);
    }
}
