namespace Dagger.Orleans.Operators.Signal.Simd;

/// <summary>
/// The DFT of any length L by Bluestein's chirp-z identity kn = (k² + n² − (k−n)²)/2:
/// X[k] = w[k]·Σₙ (x[n]·w[n])·conj(w[k−n]), w[t] = exp(−jπ·t²/L) — a convolution, done with power-of-two FFTs of
/// M ≥ 2L−1. The chirp and the spectrum of conj(w) are computed once, in double, when the plan is made.
/// </summary>
internal sealed class BluesteinFft
{
    private readonly int _length;
    private readonly SplitFft _fft;
    private readonly float[] _chirpRe;
    private readonly float[] _chirpIm;
    private readonly float[] _kernelRe;
    private readonly float[] _kernelIm;

    public BluesteinFft(int length)
    {
        _length = length;
        var m = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(2 * length - 1));
        _fft = new SplitFft(Math.Max(m, 8));
        m = _fft.Length;
        _chirpRe = new float[length];
        _chirpIm = new float[length];
        var kernel = new float[2 * m];
        for (var t = 0; t < length; t++)
        {
            // t² mod 2L keeps the angle small, so the chirp is exact to float32 for long transforms too.
            var angle = -Math.PI * ((long)t * t % (2L * length)) / length;
            var (c, s) = (Math.Cos(angle), Math.Sin(angle));
            _chirpRe[t] = (float)c;
            _chirpIm[t] = (float)s;
            // conj(w[t]) at t and at M − t (the negative lags of the convolution), scaled by 1/M for the inverse FFT.
            kernel[2 * t] = (float)(c / m);
            kernel[2 * t + 1] = (float)(-s / m);
            if (t > 0)
            {
                kernel[2 * (m - t)] = (float)(c / m);
                kernel[2 * (m - t) + 1] = (float)(-s / m);
            }
        }
        _kernelRe = new float[m];
        _kernelIm = new float[m];
        _fft.Forward(kernel, _kernelRe, _kernelIm, conjugateInput: false);
    }

    /// <summary>Transforms the interleaved <paramref name="data"/> (L samples) in place; the inverse is scaled by 1/L.</summary>
    public void Transform(Span<float> data, bool inverse)
    {
        var m = _fft.Length;
        var l = _length;
        var a = Scratch.Interleaved(m).AsSpan(0, 2 * m);
        var (re, im) = Scratch.Split(m);
        var sign = inverse ? -1f : 1f;
        for (var t = 0; t < l; t++)
        {
            float xr = data[2 * t], xi = sign * data[2 * t + 1];
            float wr = _chirpRe[t], wi = _chirpIm[t];
            a[2 * t] = xr * wr - xi * wi;
            a[2 * t + 1] = xr * wi + xi * wr;
        }
        a[(2 * l)..].Clear();
        _fft.Forward(a, re, im, conjugateInput: false);
        for (var k = 0; k < m; k++)
        {
            float yr = re[k], yi = im[k], br = _kernelRe[k], bi = _kernelIm[k];
            re[k] = yr * br - yi * bi;
            im[k] = yr * bi + yi * br;
        }
        // The inverse FFT as conj(FFT(conj(Y))); the 1/M is in the kernel.
        ComplexLayout.Join(re, im, a, 1f, conjugate: true);
        _fft.Forward(a, re, im, conjugateInput: false);
        var scale = inverse ? 1f / l : 1f;
        for (var k = 0; k < l; k++)
        {
            float zr = re[k], zi = -im[k], wr = _chirpRe[k], wi = _chirpIm[k];
            data[2 * k] = scale * (zr * wr - zi * wi);
            data[2 * k + 1] = sign * scale * (zr * wi + zi * wr);
        }
    }
}
