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
    private float[] _re = [];
    private float[] _im = [];
    private int _received;
    private int _gates;
    private DopplerKernel? _kernel;

    [Arg("pulses", Required = true, Minimum = 1, Maximum = 1 << 16, Description = "P, pulses per CPI (a power of two)")]
    public int Pulses { get; set; }

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        var what = _what ??= $"doppler (node '{NodeId}')";
        SignalInput.Require(input, ElementKind.Complex, "doppler", NodeId);
        var plan = FftPlan.For(Pulses, what);
        for (var i = 0; i < input.Count; i++)
        {
            if (_received == 0) Begin(input.Width);
            else if (input.Width != _gates)
                throw new InvalidOperationException($"{what}: pulse {_received} of a CPI has {input.Width} range gates, the pulses before it {_gates}");
            if (ProcessAccelerator.Wanted(Device)) input.ComplexVector(i).CopyTo(_cpi.AsSpan(2 * _received * _gates));
            else
            {
                // Split as it arrives, at its bit-reversed row: the column FFT then runs in place across rows.
                var row = plan.BitReversed[_received] * _gates;
                Simd.ComplexLayout.Split(input.ComplexVector(i), _re.AsSpan(row, _gates), _im.AsSpan(row, _gates));
            }
            if (++_received == Pulses) Emit(output, plan, what);
        }
        return ValueTask.CompletedTask;
    }

    private void Begin(int gates)
    {
        _gates = gates;
        var floats = 2 * Pulses * gates;
        if (ProcessAccelerator.Wanted(Device))
        {
            if (_cpi.Length < floats) _cpi = new float[floats];
        }
        else if (_re.Length < Pulses * gates)
        {
            _re = new float[Pulses * gates];
            _im = new float[Pulses * gates];
        }
    }

    private void Emit(OutputBuffer output, FftPlan plan, string what)
    {
        if (ProcessAccelerator.Wanted(Device))
        {
            _kernel ??= new DopplerKernel(ProcessAccelerator.Shared);
            var map = _kernel.Run(_cpi.AsSpan(0, 2 * Pulses * _gates), Pulses, _gates, what);
            for (var k = 0; k < Pulses; k++) map.Slice(2 * k * _gates, 2 * _gates).CopyTo(output.NextComplex(_gates));
        }
        else
        {
            Simd.ColumnFft.Transform(_re, _im, _gates, plan);
            for (var k = 0; k < Pulses; k++)
                Simd.ComplexLayout.Join(_re.AsSpan(k * _gates, _gates), _im.AsSpan(k * _gates, _gates), output.NextComplex(_gates), 1f, conjugate: false);
        }
        _received = 0;
    }

    public void Dispose() => _kernel?.Dispose();
}
