using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Gpu;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// The HPEC FDFIR filter: the same full convolution as <c>fir</c> (N samples in, N+K−1 out, each element on its own),
/// computed in the frequency domain — FFT of the input zero-padded to F, times FFT(h), inverse FFT. Cheaper than
/// <c>fir</c> for long filters: O(F·log F) per element instead of O(N·K).
/// </summary>
[AllocationBudget(BytesPerBatch = 5120, Device = "gpu", Reason = "ILGPU's CPU accelerator (measured here, no GPU) allocates a task object per kernel launch: two FFTs and a product per batch, 2.9 KB at F = 128")]
[Operator("fdfir", Summary = "full complex convolution with K taps by FFT (HPEC FDFIR): N+K-1 samples out, as fir")]
public sealed class FdFirOperator : TransformOperator, IDisposable
{
    private string? _what;
    private FastConvolution? _filter;
    private FdFirKernel? _kernel;

    [Arg("taps", Description = "complex taps as \"re,im;re,im;...\" (h[0] first); give this or taps_file")]
    public string? TapsText { get; set; }

    [Arg("taps_file", IsFile = true, Description = "a cf32 file of complex taps (interleaved float32 re, im, little-endian); give this or taps")]
    public string? TapsFile { get; set; }

    [Arg("fft_size", Minimum = 2, Maximum = 1 << 24, Description = "F, a power of two >= N+K-1; default: the smallest such")]
    public int? FftSize { get; set; }

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        var what = _what ??= $"fdfir (node '{NodeId}')";
        SignalInput.Require(input, ElementKind.Complex, "fdfir", NodeId);
        var filter = _filter ??= new FastConvolution(LoadTaps(what));
        var fftLength = filter.FftLength(input.Width, FftSize, what);
        var outLength = input.Width + filter.TapCount - 1;
        if (ProcessAccelerator.Wanted(Device))
        {
            _kernel ??= new FdFirKernel(ProcessAccelerator.Shared);
            var result = _kernel.Run(input.Float32s, input.Count, input.Width, filter, fftLength, what);
            for (var i = 0; i < input.Count; i++) result.Slice(2 * i * outLength, 2 * outLength).CopyTo(output.NextComplex(outLength));
            return ValueTask.CompletedTask;
        }
        for (var i = 0; i < input.Count; i++) filter.Full(input.ComplexVector(i), output.NextComplex(outLength), fftLength, what);
        return ValueTask.CompletedTask;
    }

    private float[] LoadTaps(string where) => (TapsText, TapsFile) switch
    {
        ({ } text, null) => Taps.Parse(text, where),
        (null, { } file) => Taps.Read(file, where),
        (null, null) => throw new ArgumentException($"{where}: give the taps, as 'taps' (\"re,im;re,im;...\") or 'taps_file' (cf32)"),
        _ => throw new ArgumentException($"{where}: give 'taps' or 'taps_file', not both"),
    };

    public void Dispose() => _kernel?.Dispose();
}
