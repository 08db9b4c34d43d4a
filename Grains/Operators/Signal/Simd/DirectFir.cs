using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dagger.Orleans.Operators.Signal.Simd;

/// <summary>
/// The full complex convolution y[i] = Σₖ h[k]·x[i−k] by direct SIMD multiply-adds in double. Double because HPEC's
/// rule bounds every output's error relative to that output (K·10·ε), and float32 sums break it on outputs that nearly
/// cancel; the products of float32 values are exact in double, so each output is its exact sum rounded once to float32,
/// within the rule for any data. Layout: the input is widened to double and split (re, im) into a zero-padded work
/// row, the taps reversed, so 32 consecutive outputs are 4 vectors of 8 doubles (or 2 × 4 of 4) and each tap is a broadcast times a
/// contiguous load — no gathers, no shuffles. Each output keeps four partial sums (re·re, im·im, re·im, im·re) in their
/// own registers, so the multiply-adds of one tap do not wait on each other.
/// </summary>
internal static class DirectFir
{
    /// <summary>Outputs per block: four 512-bit vectors of doubles, or two passes of four 256-bit ones.</summary>
    private const int Block = 32;

    [ThreadStatic] private static double[]? t_xr;
    [ThreadStatic] private static double[]? t_xi;
    [ThreadStatic] private static double[]? t_taps;

    public static void Full(ReadOnlySpan<float> x, ReadOnlySpan<float> h, Span<float> y)
    {
        var n = x.Length / 2;
        var k = h.Length / 2;
        var outLength = n + k - 1;
        if (y.Length != 2 * outLength) throw new ArgumentException($"the full convolution of {n} and {k} samples has {outLength} samples, not {y.Length / 2}", nameof(y));
        if (n == 0 || k == 0) return;
        var blocks = (outLength + Block - 1) / Block;
        // Work row: K−1 zeros, the N samples, then zeros up to the last block's reach.
        var rowLength = blocks * Block + k - 1;
        var xr = Grow(ref t_xr, rowLength);
        var xi = Grow(ref t_xi, rowLength);
        xr.AsSpan(0, k - 1).Clear();
        xi.AsSpan(0, k - 1).Clear();
        for (var t = 0; t < n; t++)
        {
            xr[k - 1 + t] = x[2 * t];
            xi[k - 1 + t] = x[2 * t + 1];
        }
        xr.AsSpan(k - 1 + n, rowLength - (k - 1 + n)).Clear();
        xi.AsSpan(k - 1 + n, rowLength - (k - 1 + n)).Clear();
        // Reversed taps g[j] = h[K−1−j] as (re, im, −im) triples: y[i] = Σⱼ g[j]·row[i+j].
        var taps = Grow(ref t_taps, 3 * k);
        for (var j = 0; j < k; j++)
        {
            taps[3 * j] = h[2 * (k - 1 - j)];
            taps[3 * j + 1] = h[2 * (k - 1 - j) + 1];
            taps[3 * j + 2] = -(double)h[2 * (k - 1 - j) + 1];
        }
        Span<double> sums = stackalloc double[2 * Block];
        for (var b = 0; b < blocks; b++)
        {
            var i = b * Block;
            if (Vector512.IsHardwareAccelerated) Accumulate512(xr, xi, taps, k, i, sums);
            else
            {
                Accumulate(xr, xi, taps, k, i, sums, 0);
                Accumulate(xr, xi, taps, k, i + 16, sums, 16);
            }
            var count = Math.Min(Block, outLength - i);
            for (var l = 0; l < count; l++)
            {
                y[2 * (i + l)] = (float)sums[l];
                y[2 * (i + l) + 1] = (float)sums[Block + l];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate(double[] xr, double[] xi, double[] taps, int k, int i, Span<double> sums, int offset)
    {
        ref var r = ref xr[i];
        ref var m = ref xi[i];
        ref var g = ref taps[0];
        Vector256<double> rr0 = default, rr1 = default, rr2 = default, rr3 = default;
        Vector256<double> ii0 = default, ii1 = default, ii2 = default, ii3 = default;
        Vector256<double> ri0 = default, ri1 = default, ri2 = default, ri3 = default;
        Vector256<double> ir0 = default, ir1 = default, ir2 = default, ir3 = default;
        for (var j = 0; j < k; j++)
        {
            var gr = Vector256.Create(Unsafe.Add(ref g, 3 * j));
            var gi = Vector256.Create(Unsafe.Add(ref g, 3 * j + 1));
            var gn = Vector256.Create(Unsafe.Add(ref g, 3 * j + 2));
            var at = (nuint)j;
            var a0 = Vector256.LoadUnsafe(ref r, at);
            var a1 = Vector256.LoadUnsafe(ref r, at + 4);
            var a2 = Vector256.LoadUnsafe(ref r, at + 8);
            var a3 = Vector256.LoadUnsafe(ref r, at + 12);
            var c0 = Vector256.LoadUnsafe(ref m, at);
            var c1 = Vector256.LoadUnsafe(ref m, at + 4);
            var c2 = Vector256.LoadUnsafe(ref m, at + 8);
            var c3 = Vector256.LoadUnsafe(ref m, at + 12);
            rr0 = Vector256.MultiplyAddEstimate(gr, a0, rr0);
            rr1 = Vector256.MultiplyAddEstimate(gr, a1, rr1);
            rr2 = Vector256.MultiplyAddEstimate(gr, a2, rr2);
            rr3 = Vector256.MultiplyAddEstimate(gr, a3, rr3);
            ii0 = Vector256.MultiplyAddEstimate(gn, c0, ii0);
            ii1 = Vector256.MultiplyAddEstimate(gn, c1, ii1);
            ii2 = Vector256.MultiplyAddEstimate(gn, c2, ii2);
            ii3 = Vector256.MultiplyAddEstimate(gn, c3, ii3);
            ri0 = Vector256.MultiplyAddEstimate(gr, c0, ri0);
            ri1 = Vector256.MultiplyAddEstimate(gr, c1, ri1);
            ri2 = Vector256.MultiplyAddEstimate(gr, c2, ri2);
            ri3 = Vector256.MultiplyAddEstimate(gr, c3, ri3);
            ir0 = Vector256.MultiplyAddEstimate(gi, a0, ir0);
            ir1 = Vector256.MultiplyAddEstimate(gi, a1, ir1);
            ir2 = Vector256.MultiplyAddEstimate(gi, a2, ir2);
            ir3 = Vector256.MultiplyAddEstimate(gi, a3, ir3);
        }
        ref var s = ref Unsafe.Add(ref MemoryMarshal.GetReference(sums), offset);
        (rr0 + ii0).StoreUnsafe(ref s, 0);
        (rr1 + ii1).StoreUnsafe(ref s, 4);
        (rr2 + ii2).StoreUnsafe(ref s, 8);
        (rr3 + ii3).StoreUnsafe(ref s, 12);
        (ri0 + ir0).StoreUnsafe(ref s, Block);
        (ri1 + ir1).StoreUnsafe(ref s, Block + 4);
        (ri2 + ir2).StoreUnsafe(ref s, Block + 8);
        (ri3 + ir3).StoreUnsafe(ref s, Block + 12);
    }

    /// <summary>As <see cref="Accumulate"/>, 32 outputs in 512-bit vectors: half the instructions per multiply-add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate512(double[] xr, double[] xi, double[] taps, int k, int i, Span<double> sums)
    {
        ref var r = ref xr[i];
        ref var m = ref xi[i];
        ref var g = ref taps[0];
        Vector512<double> rr0 = default, rr1 = default, rr2 = default, rr3 = default;
        Vector512<double> ii0 = default, ii1 = default, ii2 = default, ii3 = default;
        Vector512<double> ri0 = default, ri1 = default, ri2 = default, ri3 = default;
        Vector512<double> ir0 = default, ir1 = default, ir2 = default, ir3 = default;
        for (var j = 0; j < k; j++)
        {
            var gr = Vector512.Create(Unsafe.Add(ref g, 3 * j));
            var gi = Vector512.Create(Unsafe.Add(ref g, 3 * j + 1));
            var gn = Vector512.Create(Unsafe.Add(ref g, 3 * j + 2));
            var at = (nuint)j;
            var a0 = Vector512.LoadUnsafe(ref r, at);
            var a1 = Vector512.LoadUnsafe(ref r, at + 8);
            var a2 = Vector512.LoadUnsafe(ref r, at + 16);
            var a3 = Vector512.LoadUnsafe(ref r, at + 24);
            var c0 = Vector512.LoadUnsafe(ref m, at);
            var c1 = Vector512.LoadUnsafe(ref m, at + 8);
            var c2 = Vector512.LoadUnsafe(ref m, at + 16);
            var c3 = Vector512.LoadUnsafe(ref m, at + 24);
            rr0 = Vector512.MultiplyAddEstimate(gr, a0, rr0);
            rr1 = Vector512.MultiplyAddEstimate(gr, a1, rr1);
            rr2 = Vector512.MultiplyAddEstimate(gr, a2, rr2);
            rr3 = Vector512.MultiplyAddEstimate(gr, a3, rr3);
            ii0 = Vector512.MultiplyAddEstimate(gn, c0, ii0);
            ii1 = Vector512.MultiplyAddEstimate(gn, c1, ii1);
            ii2 = Vector512.MultiplyAddEstimate(gn, c2, ii2);
            ii3 = Vector512.MultiplyAddEstimate(gn, c3, ii3);
            ri0 = Vector512.MultiplyAddEstimate(gr, c0, ri0);
            ri1 = Vector512.MultiplyAddEstimate(gr, c1, ri1);
            ri2 = Vector512.MultiplyAddEstimate(gr, c2, ri2);
            ri3 = Vector512.MultiplyAddEstimate(gr, c3, ri3);
            ir0 = Vector512.MultiplyAddEstimate(gi, a0, ir0);
            ir1 = Vector512.MultiplyAddEstimate(gi, a1, ir1);
            ir2 = Vector512.MultiplyAddEstimate(gi, a2, ir2);
            ir3 = Vector512.MultiplyAddEstimate(gi, a3, ir3);
        }
        ref var s = ref MemoryMarshal.GetReference(sums);
        (rr0 + ii0).StoreUnsafe(ref s, 0);
        (rr1 + ii1).StoreUnsafe(ref s, 8);
        (rr2 + ii2).StoreUnsafe(ref s, 16);
        (rr3 + ii3).StoreUnsafe(ref s, 24);
        (ri0 + ir0).StoreUnsafe(ref s, Block);
        (ri1 + ir1).StoreUnsafe(ref s, Block + 8);
        (ri2 + ir2).StoreUnsafe(ref s, Block + 16);
        (ri3 + ir3).StoreUnsafe(ref s, Block + 24);
    }

    private static double[] Grow(ref double[]? array, int length)
    {
        if (array is null || array.Length < length) array = new double[Math.Max(length, 64)];
        return array;
    }
}
