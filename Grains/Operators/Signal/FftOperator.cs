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

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        SignalInput.Require(input, ElementKind.Complex, "fft", NodeId);
        var what = _what ??= $"fft (node '{NodeId}')";
        var plan = FftPlan.ForAnyLength(input.Width, what);
        // The radix-2 kernels read the input and write the output; they take powers of two only.
        if (ProcessAccelerator.Wanted(Device) && System.Numerics.BitOperations.IsPow2(input.Width))
        {
            _kernel ??= new FftKernel(ProcessAccelerator.Shared);
            _kernel.Run(input, output, Inverse, what);
            return ValueTask.CompletedTask;
        }
        // The CPU plan transforms in place: a private copy only when the input is shared.
        var batch = input.Writable();
        for (var i = 0; i < batch.Count; i++) plan.Transform(batch.ComplexVector(i), Inverse);
        output.Forward(batch);
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _kernel?.Dispose();
}
