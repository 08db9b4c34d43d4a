using Dagger.Orleans.Operators.Signal;

namespace Dagger.Orleans.Gpu;

/// <summary>
/// <c>pulse_compress</c> on an accelerator, a batch at a time: pad every pulse to F, batched forward FFT, multiply by
/// conj(FFT(chirp)), batched inverse FFT, cut back to the pulse length — all on the device, one upload and one download.
/// </summary>
internal sealed class PulseCompressKernel : KernelHost
{
    private readonly GpuFft _fft;
    private readonly RowKernels _rows;
    private readonly StagedBuffer<float> _input;
    private readonly StagedBuffer<float> _padded;
    private readonly StagedBuffer<float> _spectra;
    private readonly StagedBuffer<float> _filter;
    private readonly StagedBuffer<float> _output;
    private float[]? _uploadedFilter;

    public PulseCompressKernel(SharedAccelerator gpu) : base(gpu)
    {
        _fft = new GpuFft(gpu);
        _rows = new RowKernels(gpu);
        _input = new StagedBuffer<float>(Accelerator);
        _padded = new StagedBuffer<float>(Accelerator);
        _spectra = new StagedBuffer<float>(Accelerator);
        _filter = new StagedBuffer<float>(Accelerator);
        _output = new StagedBuffer<float>(Accelerator);
    }

    /// <summary>Compresses <paramref name="rows"/> pulses of <paramref name="length"/> samples; the result is valid until the next call.</summary>
    public ReadOnlySpan<float> Run(ReadOnlySpan<float> pulses, int rows, int length, MatchedFilter filter, string what)
    {
        var fftLength = filter.FftLength(length);
        var spectrum = filter.ConjugateSpectrum(fftLength, what);
        var padded = 2 * rows * fftLength;
        using (EnterLaunch())
        {
            if (!ReferenceEquals(spectrum, _uploadedFilter))
            {
                _filter.Upload(Stream, spectrum);
                _uploadedFilter = spectrum;
            }
            var input = _input.Upload(Stream, pulses);
            var work = _padded.View(padded);
            var spectra = _spectra.View(padded);
            var output = _output.View(2 * rows * length);
            _rows.Resize(Stream, input, work, rows, length, fftLength);
            _fft.Enqueue(Stream, work, spectra, rows, fftLength, inverse: false, what);
            _rows.MultiplyRows(Stream, spectra, _filter.View(spectrum.Length), rows, fftLength);
            _fft.Enqueue(Stream, spectra, work, rows, fftLength, inverse: true, what);
            _rows.Resize(Stream, work, output, rows, fftLength, length);
            return _output.Download(Stream, 2 * rows * length);
        }
    }

    public override void Dispose()
    {
        _fft.Dispose();
        _input.Dispose();
        _padded.Dispose();
        _spectra.Dispose();
        _filter.Dispose();
        _output.Dispose();
        base.Dispose();
    }
}
