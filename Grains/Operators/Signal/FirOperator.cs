using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Gpu;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// The HPEC TDFIR filter: the full convolution y[i] = Σₖ h[k]·x[i−k] of each complex vector (N samples) with K
/// complex taps, N+K−1 samples out. Each element is filtered on its own (no state carried between elements).
/// </summary>
[AllocationBudget(BytesPerBatch = 352, Device = "gpu", Reason = "ILGPU's CPU accelerator (measured here, no GPU) allocates a task object per kernel launch: one launch per batch, 328 B")]
[Operator("fir", Summary = "full complex convolution of each vector with K taps: N+K-1 samples out")]
public sealed class FirOperator : TransformOperator, IDisposable
{
    private float[]? _taps;
    private FirKernel? _kernel;

    [Arg("taps", Description = "complex taps as \"re,im;re,im;...\" (h[0] first); give this or taps_file")]
    public string? TapsText { get; set; }

    [Arg("taps_file", IsFile = true, Description = "a cf32 file of complex taps (interleaved float32 re, im, little-endian); give this or taps")]
    public string? TapsFile { get; set; }

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        SignalInput.Require(input, ElementKind.Complex, "fir", NodeId);
        var taps = _taps ??= LoadTaps();
        var k = taps.Length / 2;
        var outLength = input.Width + k - 1;
        if (ProcessAccelerator.Wanted(Device))
        {
            _kernel ??= new FirKernel(ProcessAccelerator.Shared);
            var result = _kernel.Run(input.Float32s, input.Count, input.Width, taps, k);
            for (var i = 0; i < input.Count; i++) result.Slice(2 * i * outLength, 2 * outLength).CopyTo(output.NextComplex(outLength));
            return ValueTask.CompletedTask;
        }
        for (var i = 0; i < input.Count; i++) Convolution.Full(input.ComplexVector(i), taps, output.NextComplex(outLength));
        return ValueTask.CompletedTask;
    }

    private float[] LoadTaps()
    {
        var where = $"fir (node '{NodeId}')";
        return (TapsText, TapsFile) switch
        {
            ({ } text, null) => Taps.Parse(text, where),
            (null, { } file) => Taps.Read(file, where),
            (null, null) => throw new ArgumentException($"{where}: give the taps, as 'taps' (\"re,im;re,im;...\") or 'taps_file' (cf32)"),
            _ => throw new ArgumentException($"{where}: give 'taps' or 'taps_file', not both"),
        };
    }

    public void Dispose() => _kernel?.Dispose();
}
