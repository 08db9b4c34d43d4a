using Dagger.Orleans.Operators.Signal;

namespace Dagger.Orleans.Gpu;

/// <summary><c>pulse_compress</c> on an accelerator: fast convolution by conj(FFT(chirp)), cut back to the pulse length.</summary>
internal sealed class PulseCompressKernel(SharedAccelerator gpu) : SpectralFilterKernel(gpu)
{
    /// <summary>Compresses <paramref name="rows"/> pulses of <paramref name="length"/> samples; the result is valid until the next call.</summary>
    public ReadOnlySpan<float> Run(ReadOnlySpan<float> pulses, int rows, int length, MatchedFilter filter, string what)
    {
        var fftLength = filter.FftLength(length);
        return Filter(pulses, rows, length, filter.ConjugateSpectrum(fftLength, what), fftLength, length, what);
    }
}
