using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
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

    /// <summary>
    /// <paramref name="magnitudes"/>[n] = sqrt(re[n]² + im[n]²) in float32: eight samples at a time where the CPU has
    /// AVX (squares, pairwise horizontal add, sqrt — the same roundings as the scalar loop, so the same bits).
    /// </summary>
    public static void Magnitude(ReadOnlySpan<float> interleaved, Span<float> magnitudes)
    {
        var n = 0;
        if (Avx2.IsSupported)
        {
            ref var x = ref MemoryMarshal.GetReference(interleaved);
            ref var y = ref MemoryMarshal.GetReference(magnitudes);
            for (; n + 8 <= magnitudes.Length; n += 8)
            {
                var v0 = Vector256.LoadUnsafe(ref x, (nuint)(2 * n));
                var v1 = Vector256.LoadUnsafe(ref x, (nuint)(2 * n + 8));
                // [|z0|² |z1|² |z4|² |z5|² | |z2|² |z3|² |z6|² |z7|²]: the 64-bit permute puts the pairs in order.
                var power = Avx.HorizontalAdd(v0 * v0, v1 * v1);
                var ordered = Avx2.Permute4x64(power.AsDouble(), 0b11_01_10_00).AsSingle();
                Vector256.Sqrt(ordered).StoreUnsafe(ref y, (nuint)n);
            }
        }
        for (; n < magnitudes.Length; n++)
        {
            var re = interleaved[2 * n];
            var im = interleaved[2 * n + 1];
            magnitudes[n] = MathF.Sqrt(re * re + im * im);
        }
    }
}
