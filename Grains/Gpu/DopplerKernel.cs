namespace Dagger.Orleans.Gpu;

/// <summary>
/// <c>doppler</c> on an accelerator, one CPI at a time: corner turn (pulses × gates → gates × pulses), a batched FFT
/// of length P per range gate, and the turn back so that each Doppler bin is a row of range gates.
/// </summary>
internal sealed class DopplerKernel : KernelHost
{
    private readonly GpuFft _fft;
    private readonly RowKernels _rows;
    private readonly StagedBuffer<float> _cpi;
    private readonly StagedBuffer<float> _turned;
    private readonly StagedBuffer<float> _spectra;

    public DopplerKernel(SharedAccelerator gpu) : base(gpu)
    {
        _fft = new GpuFft(gpu);
        _rows = new RowKernels(gpu);
        _cpi = new StagedBuffer<float>(Accelerator);
        _turned = new StagedBuffer<float>(Accelerator);
        _spectra = new StagedBuffer<float>(Accelerator);
    }

    /// <summary>The range-Doppler map of one CPI (P·L samples, pulse-major) as P rows of L gates; valid until the next call.</summary>
    public ReadOnlySpan<float> Run(ReadOnlySpan<float> cpi, int pulses, int gates, string what)
    {
        var floats = 2 * pulses * gates;
        using (EnterLaunch())
        {
            var source = _cpi.Upload(Stream, cpi);
            var turned = _turned.View(floats);
            var spectra = _spectra.View(floats);
            _rows.Transpose(Stream, source, turned, pulses, gates);
            _fft.Enqueue(Stream, turned, spectra, gates, pulses, inverse: false, what);
            var map = _cpi.View(floats);
            _rows.Transpose(Stream, spectra, map, gates, pulses);
            return _cpi.Download(Stream, floats);
        }
    }

    public override void Dispose()
    {
        _fft.Dispose();
        _cpi.Dispose();
        _turned.Dispose();
        _spectra.Dispose();
        base.Dispose();
    }
}
