namespace Dagger.Orleans.Gpu;

/// <summary>
/// Fast convolution on an accelerator, a batch at a time: pad every row to the FFT length, batched forward FFT,
/// multiply by a filter spectrum, batched inverse FFT, cut every row to the output length — all on the device, one
/// upload and one download per batch. <c>fdfir</c> (FFT of the taps) and <c>pulse_compress</c> (the conjugate FFT of
/// the chirp) differ only in their spectrum and output length.
/// </summary>
internal class SpectralFilterKernel : KernelHost
{
    private readonly GpuFft _fft;
    private readonly RowKernels _rows;
    private readonly StagedBuffer<float> _input;
    private readonly StagedBuffer<float> _padded;
    private readonly StagedBuffer<float> _spectra;
    private readonly StagedBuffer<float> _filter;
    private readonly StagedBuffer<float> _output;
    private float[]? _uploadedFilter;

    public SpectralFilterKernel(SharedAccelerator gpu) : base(gpu)
    {
        _fft = new GpuFft(gpu);
        _rows = new RowKernels(gpu);
        _input = new StagedBuffer<float>(Accelerator);
        _padded = new StagedBuffer<float>(Accelerator);
        _spectra = new StagedBuffer<float>(Accelerator);
        _filter = new StagedBuffer<float>(Accelerator);
        _output = new StagedBuffer<float>(Accelerator);
    }

    /// <summary>
    /// Filters <paramref name="rows"/> rows of <paramref name="length"/> complex samples by <paramref name="spectrum"/>
    /// (interleaved, <paramref name="fftLength"/> bins; uploaded again only when it is another array) and returns rows of
    /// <paramref name="outLength"/> samples, valid until the next call.
    /// </summary>
    protected ReadOnlySpan<float> Filter(ReadOnlySpan<float> input, int rows, int length, float[] spectrum, int fftLength, int outLength, string what)
    {
        var padded = 2 * rows * fftLength;
        using (EnterLaunch())
        {
            if (!ReferenceEquals(spectrum, _uploadedFilter))
            {
                _filter.Upload(Stream, spectrum);
                _uploadedFilter = spectrum;
            }
            var source = _input.Upload(Stream, input);
            var work = _padded.View(padded);
            var spectra = _spectra.View(padded);
            var output = _output.View(2 * rows * outLength);
            _rows.Resize(Stream, source, work, rows, length, fftLength);
            _fft.Enqueue(Stream, work, spectra, rows, fftLength, inverse: false, what);
            _rows.MultiplyRows(Stream, spectra, _filter.View(spectrum.Length), rows, fftLength);
            _fft.Enqueue(Stream, spectra, work, rows, fftLength, inverse: true, what);
            _rows.Resize(Stream, work, output, rows, fftLength, outLength);
            return _output.Download(Stream, 2 * rows * outLength);
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
