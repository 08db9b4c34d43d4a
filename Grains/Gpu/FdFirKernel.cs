using Dagger.Orleans.Operators.Signal;

namespace Dagger.Orleans.Gpu;

/// <summary>
/// <c>fdfir</c> on an accelerator, a batch at a time: pad every row to F, batched forward FFT, multiply by FFT(h),
/// batched inverse FFT, cut to the N+K−1 samples of the full convolution — one upload and one download per batch.
/// </summary>
internal sealed class FdFirKernel : KernelHost
{
    private readonly GpuFft _fft;
    private readonly RowKernels _rows;
    private readonly StagedBuffer<float> _input;
    private readonly StagedBuffer<float> _padded;
    private readonly StagedBuffer<float> _spectra;
    private readonly StagedBuffer<float> _filter;
    private readonly StagedBuffer<float> _output;
    private float[]? _uploadedFilter;

    public FdFirKernel(SharedAccelerator gpu) : base(gpu)
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
    /// Filters <paramref name="rows"/> rows of <paramref name="n"/> samples with FFTs of <paramref name="fftLength"/>;
    /// returns rows of N+K−1 samples, valid until the next call.
    /// </summary>
    public ReadOnlySpan<float> Run(ReadOnlySpan<float> input, int rows, int n, FastConvolution filter, int fftLength, string what)
    {
        var spectrum = filter.Spectrum(fftLength, what);
        var outLength = n + filter.TapCount - 1;
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
            _rows.Resize(Stream, source, work, rows, n, fftLength);
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
