using System.Numerics;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// The full convolution of <c>fir</c> computed in the frequency domain, the CPU reference of <c>fdfir</c> (HPEC FDFIR):
/// y = IFFT(FFT(x)·FFT(h)) with x and h zero-padded to F ≥ N+K−1 samples, so the circular convolution never wraps,
/// cut to the N+K−1 samples of the full convolution. FFT(h) is computed once per F.
/// </summary>
public sealed class FastConvolution
{
    private readonly float[] _taps;
    private float[] _spectrum = [];
    private FilterSpectrum? _split;
    private float[] _work = [];

    /// <param name="taps">K complex taps, interleaved re, im (h[0] first).</param>
    public FastConvolution(float[] taps) => _taps = taps;

    /// <summary>K, the number of taps.</summary>
    public int TapCount => _taps.Length / 2;

    /// <summary>
    /// F for inputs of <paramref name="samples"/> samples: <paramref name="requested"/> when given (checked: a power of
    /// two of at least N+K−1), else the smallest power of two ≥ N+K−1.
    /// </summary>
    public int FftLength(int samples, int? requested, string what)
    {
        var needed = samples + TapCount - 1;
        if (requested is not { } f) return (int)BitOperations.RoundUpToPowerOf2((uint)needed);
        if (f < needed)
            throw new ArgumentException($"{what}: fft_size {f} is shorter than N+K-1 = {samples}+{TapCount}-1 = {needed} (the full convolution would wrap); use at least {BitOperations.RoundUpToPowerOf2((uint)needed)} or leave fft_size out");
        FftPlan.For(f, what);
        return f;
    }

    /// <summary>FFT(h) zero-padded to <paramref name="fftLength"/> (interleaved), computed once per length.</summary>
    public float[] Spectrum(int fftLength, string what)
    {
        if (_spectrum.Length == 2 * fftLength) return _spectrum;
        return _spectrum = SpectralFilter.SpectrumOf(_taps, fftLength, conjugate: false, what);
    }

    /// <summary>Filters one vector <paramref name="x"/> (N samples) into <paramref name="y"/> (N+K−1 samples) with FFTs of <paramref name="fftLength"/>.</summary>
    public void Full(ReadOnlySpan<float> x, Span<float> y, int fftLength, string what)
    {
        var outLength = x.Length / 2 + TapCount - 1;
        if (y.Length != 2 * outLength) throw new ArgumentException($"{what}: the full convolution of {x.Length / 2} and {TapCount} samples has {outLength} samples, not {y.Length / 2}", nameof(y));
        var spectrum = Spectrum(fftLength, what);
        if (_split?.Interleaved != spectrum) _split = new FilterSpectrum(spectrum);
        SpectralFilter.Apply(x, y, _split, fftLength, ref _work, what);
    }
}
