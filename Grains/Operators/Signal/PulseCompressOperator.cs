using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Gpu;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>The matched filter of the <c>chirp</c> with the same samples and bandwidth, by FFT (see <see cref="MatchedFilter"/>).</summary>
[AllocationBudget(BytesPerBatch = 5120, Device = "gpu", Reason = "ILGPU's CPU accelerator (measured here, no GPU) allocates a task object per kernel launch: two FFTs and a product per batch, 2.9 KB at N = 64, 4.5 KB at N = 4096")]
[Operator("pulse_compress", Summary = "matched filter against the chirp (samples, bandwidth) via FFT; L samples in, L out")]
public sealed class PulseCompressOperator : TransformOperator, IDisposable
{
    private string? _what;
    private MatchedFilter? _filter;
    private PulseCompressKernel? _kernel;

    [Arg("samples", Required = true, Minimum = 1, Maximum = 1 << 20, Description = "N of the transmitted chirp")]
    public int Samples { get; set; }

    [Arg("bandwidth", Minimum = 0, Maximum = 1, Description = "B of the transmitted chirp, 0 < B <= 1 (default 1)")]
    public double Bandwidth { get; set; } = 1;

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        var what = _what ??= $"pulse_compress (node '{NodeId}')";
        SignalInput.Require(input, ElementKind.Complex, "pulse_compress", NodeId);
        if (_filter is null)
        {
            Chirp.CheckBandwidth(Bandwidth, what);
            _filter = new MatchedFilter(Samples, Bandwidth);
        }
        var length = input.Width;
        if (ProcessAccelerator.Wanted(Device))
        {
            _kernel ??= new PulseCompressKernel(ProcessAccelerator.Shared);
            var result = _kernel.Run(input.Float32s, input.Count, length, _filter, what);
            for (var i = 0; i < input.Count; i++) result.Slice(2 * i * length, 2 * length).CopyTo(output.NextComplex(length));
            return ValueTask.CompletedTask;
        }
        for (var i = 0; i < input.Count; i++) _filter.Compress(input.ComplexVector(i), output.NextComplex(length), what);
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _kernel?.Dispose();
}
