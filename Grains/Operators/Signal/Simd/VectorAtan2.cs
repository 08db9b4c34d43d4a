using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dagger.Orleans.Operators.Signal.Simd;

/// <summary>
/// atan2 eight lanes at a time in float32: the smaller of |x|, |y| over the larger gives a ∈ [0, 1]; above tan(π/8)
/// it is reduced to (a − 1)/(a + 1) with π/4 added back; Cephes' atanf polynomial (relative error ~2e−7) does the rest;
/// the octant is restored from which was larger and the signs of x and y. (TensorPrimitives.Atan2 measured no faster
/// than a scalar loop here.) atan2(0, 0) is 0.
/// </summary>
internal static class VectorAtan2
{
    public static void Compute(ReadOnlySpan<float> y, ReadOnlySpan<float> x, Span<float> angle)
    {
        var n = angle.Length;
        if (y.Length < n || x.Length < n) throw new ArgumentException($"atan2 of {Math.Min(x.Length, y.Length)} pairs into {n} angles");
        ref var yr = ref MemoryMarshal.GetReference(y);
        ref var xr = ref MemoryMarshal.GetReference(x);
        ref var ar = ref MemoryMarshal.GetReference(angle);
        var k = 0;
        for (; k + 8 <= n; k += 8)
        {
            var u = (nuint)k;
            Lanes(Vector256.LoadUnsafe(ref yr, u), Vector256.LoadUnsafe(ref xr, u)).StoreUnsafe(ref ar, u);
        }
        for (; k < n; k++) angle[k] = Scalar(y[k], x[k]);
    }

    private static Vector256<float> Lanes(Vector256<float> y, Vector256<float> x)
    {
        var ax = Vector256.Abs(x);
        var ay = Vector256.Abs(y);
        var larger = Vector256.Max(ax, ay);
        var smaller = Vector256.Min(ax, ay);
        var a = Vector256.ConditionalSelect(Vector256.Equals(larger, Vector256<float>.Zero), Vector256<float>.Zero, smaller / larger);
        var reduce = Vector256.GreaterThan(a, Vector256.Create(0.41421356237f));
        var t = Vector256.ConditionalSelect(reduce, (a - Vector256<float>.One) / (a + Vector256<float>.One), a);
        var z = t * t;
        var p = Vector256.Create(8.05374449538e-2f);
        p = p * z - Vector256.Create(1.38776856032e-1f);
        p = p * z + Vector256.Create(1.99777106478e-1f);
        p = p * z - Vector256.Create(3.33329491539e-1f);
        var r = p * z * t + t + (Vector256.Create(MathF.PI / 4) & reduce);
        r = Vector256.ConditionalSelect(Vector256.GreaterThan(ay, ax), Vector256.Create(MathF.PI / 2) - r, r);
        r = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256.Create(MathF.PI) - r, r);
        return Vector256.ConditionalSelect(Vector256.LessThan(y, Vector256<float>.Zero), -r, r);
    }

    /// <summary>The same steps for one pair (the tail of a span), so every lane of a vector gives what this gives.</summary>
    public static float Scalar(float y, float x) => Lanes(Vector256.Create(y), Vector256.Create(x))[0];
}
