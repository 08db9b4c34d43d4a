using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Gpu;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// The FFT of every complex vector, of any width (see <see cref="FftPlan"/>). Forward: X[k] = Σₙ x[n]·e^(−2πj·kn/N);
/// inverse: x[n] = (1/N)·Σₖ X[k]·e^(+2πj·kn/N).
/// </summary>
[AllocationBudget(BytesPerBatch = 3072, Device = "gpu", Reason = "ILGPU's CPU accelerator (measured here, no GPU) allocates a task object per kernel launch: log2 N + 2 launches per batch, 1.1 KB at N = 64, 2.2 KB at N = 4096")]
[Operator("fft", Summary = "FFT of each complex vector (any width; SIMD radix-2/4, Bluestein for non-powers of two); inverse scales by 1/N")]
public sealed class FftOperator : TransformOperator, IDisposable
{
    private string? _what;
    private FftKernel? _kernel;

    [Arg("inverse", Description = "the inverse transform, scaled by 1/N (default false)")]
    public bool Inverse { get; set; }

    public override bool WritesInput => !ProcessAccelerator.Wanted(Device);

    public override ValueTask TransformAsync(int port, Batch input, OutputBuffer output, CancellationToken cancellation)
    {
        SignalInput.Require(input, ElementKind.Complex, "fft", NodeId);
        var what = _what ??= $"fft (node '{NodeId}')";
        var plan = FftPlan.ForAnyLength(input.Width, what);
        if (ProcessAccelerator.Wanted(Device))
        {
            if (System.Numerics.BitOperations.IsPow2(input.Width))
            {
                _kernel ??= new FftKernel(ProcessAccelerator.Shared);
                _kernel.Run(input, output, Inverse, what);
                return ValueTask.CompletedTask;
            }
            // The radix-2 kernels take powers of two only; other lengths run the CPU plan, into the output because a
            // kernel node does not own its input (WritesInput is false).
            for (var i = 0; i < input.Count; i++)
            {
                var y = output.NextComplex(input.Width);
                input.ComplexVector(i).CopyTo(y);
                plan.Transform(y, Inverse);
            }
            return ValueTask.CompletedTask;
        }
        for (var i = 0; i < input.Count; i++) plan.Transform(input.ComplexVector(i), Inverse);
        output.Forward(input);
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _kernel?.Dispose();
}
