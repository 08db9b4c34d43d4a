using Dagger.Orleans.Operators.Signal;

namespace Dagger.Orleans.Gpu;

/// <summary><c>fdfir</c> on an accelerator: fast convolution by FFT(h), cut to the N+K−1 samples of the full convolution.</summary>
internal sealed class FdFirKernel(SharedAccelerator gpu) : SpectralFilterKernel(gpu)
{
    /// <summary>
    /// Filters <paramref name="rows"/> rows of <paramref name="n"/> samples with FFTs of <paramref name="fftLength"/>;
    /// returns rows of N+K−1 samples, valid until the next call.
    /// </summary>
    public ReadOnlySpan<float> Run(ReadOnlySpan<float> input, int rows, int n, FastConvolution filter, int fftLength, string what) =>
        Filter(input, rows, n, filter.Spectrum(fftLength, what), fftLength, n + filter.TapCount - 1, what);
}
