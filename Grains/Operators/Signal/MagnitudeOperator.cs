using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Gpu;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>|z| = sqrt(re² + im²) of every sample: a complex vector of N samples becomes a real vector of N floats.</summary>
[AllocationBudget(BytesPerBatch = 320, Device = "gpu", Reason = "ILGPU's CPU accelerator (measured here, no GPU) allocates a task object per kernel launch: one launch per batch, 288 B")]
[Operator("magnitude", Summary = "complex vector -> real vector |z| = sqrt(re^2 + im^2)")]
public sealed class MagnitudeOperator : TransformOperator
{
    private MagnitudeKernel? _kernel;

    public override ValueTask TransformAsync(int port, Batch input, OutputBuffer output, CancellationToken cancellation)
    {
        SignalInput.Require(input, ElementKind.Complex, "magnitude", NodeId);
        if (ProcessAccelerator.Wanted(Device))
        {
            _kernel ??= new MagnitudeKernel(ProcessAccelerator.Shared);
            _kernel.Run(input, output);
            return ValueTask.CompletedTask;
        }
        for (var i = 0; i < input.Count; i++) Magnitude(input.ComplexVector(i), output.NextVector(input.Width));
        return ValueTask.CompletedTask;
    }

    /// <summary>The CPU reference: <paramref name="magnitudes"/>[n] = sqrt(re[n]² + im[n]²), computed in float32.</summary>
    public static void Magnitude(ReadOnlySpan<float> interleaved, Span<float> magnitudes)
    {
        for (var n = 0; n < magnitudes.Length; n++)
        {
            var re = interleaved[2 * n];
            var im = interleaved[2 * n + 1];
            magnitudes[n] = MathF.Sqrt(re * re + im * im);
        }
    }
}
