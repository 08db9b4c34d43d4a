using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Gpu;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// Doppler processing: collects <c>pulses</c> pulses (complex vectors of L range gates) into a coherent processing
/// interval, then emits P elements, one per Doppler bin k = 0 … P−1, each the L range gates of
/// Y[k][m] = Σₚ x[p][m]·exp(−2πj·kp/P). Bin k is k/P cycles per pulse (k ≥ P/2: negative Doppler). A CPI cut short by
/// the end of the stream emits nothing.
/// </summary>
[AllocationBudget(240, Device = "gpu", Reason = "ILGPU's CPU accelerator (measured here, no GPU) allocates a task object per kernel launch: about 0.9 KB (P = 4) to 1.5 KB (P = 64) per CPI, so 228 B per pulse at P = 4, 93 at P = 16")]
[Operator("doppler", Summary = "corner turn + FFT across each CPI of P pulses: P Doppler-bin vectors of L range gates")]
public sealed class DopplerOperator : TransformOperator, IDisposable
{
    private string? _what;
    private float[] _cpi = [];
    private float[] _map = [];
    private float[] _column = [];
    private int _received;
    private int _gates;
    private DopplerKernel? _kernel;

    [Arg("pulses", Required = true, Minimum = 1, Maximum = 1 << 16, Description = "P, pulses per CPI (a power of two)")]
    public int Pulses { get; set; }

    public override ValueTask TransformAsync(int port, Batch input, OutputBuffer output, CancellationToken cancellation)
    {
        var what = _what ??= $"doppler (node '{NodeId}')";
        SignalInput.Require(input, ElementKind.Complex, "doppler", NodeId);
        var plan = FftPlan.For(Pulses, what);
        for (var i = 0; i < input.Count; i++)
        {
            if (_received == 0) Begin(input.Width);
            else if (input.Width != _gates)
                throw new InvalidOperationException($"{what}: pulse {_received} of a CPI has {input.Width} range gates, the pulses before it {_gates}");
            input.ComplexVector(i).CopyTo(_cpi.AsSpan(2 * _received * _gates));
            if (++_received == Pulses) Emit(output, plan, what);
        }
        return ValueTask.CompletedTask;
    }

    private void Begin(int gates)
    {
        _gates = gates;
        var floats = 2 * Pulses * gates;
        if (_cpi.Length < floats)
        {
            _cpi = new float[floats];
            _map = new float[floats];
        }
        if (_column.Length < 2 * Pulses) _column = new float[2 * Pulses];
    }

    private void Emit(OutputBuffer output, FftPlan plan, string what)
    {
        var floats = 2 * Pulses * _gates;
        ReadOnlySpan<float> map;
        if (ProcessAccelerator.Wanted(Device))
        {
            _kernel ??= new DopplerKernel(ProcessAccelerator.Shared);
            map = _kernel.Run(_cpi.AsSpan(0, floats), Pulses, _gates, what);
        }
        else
        {
            DopplerProcessor.Transform(_cpi.AsSpan(0, floats), _map.AsSpan(0, floats), Pulses, _gates, plan, _column.AsSpan(0, 2 * Pulses));
            map = _map.AsSpan(0, floats);
        }
        for (var k = 0; k < Pulses; k++) map.Slice(2 * k * _gates, 2 * _gates).CopyTo(output.NextComplex(_gates));
        _received = 0;
    }

    public void Dispose() => _kernel?.Dispose();
}
