using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dagger.Orleans.Operators.Signal.Simd;

/// <summary>
/// A decimation-in-time FFT of a power-of-two length N ≥ 8 on split data (re and im apart), forward sign
/// exp(−2πj·kn/N). The first three stages and the bit-reversal permutation are one pass: block b of 8 outputs is the
/// 8-point DFT of the samples r_b + j·N/8 (r_b = bitrev(8b)), gathered straight from the interleaved input. The other
/// stages run two at a time (radix 2², 3 complex multiplies per 4 points instead of 4, half the passes over memory),
/// eight lanes at once, with twiddles read contiguously from per-stage tables precomputed in double.
/// </summary>
internal sealed class SplitFft
{
    private readonly int _n;
    private readonly int[] _blockSources;
    private readonly float[] _twiddleRe;
    private readonly float[] _twiddleIm;

    public SplitFft(int n)
    {
        if (n < 8 || !System.Numerics.BitOperations.IsPow2(n)) throw new ArgumentOutOfRangeException(nameof(n), n, "the split FFT needs a power of two of at least 8");
        _n = n;
        var bits = System.Numerics.BitOperations.Log2((uint)n);
        _blockSources = new int[n / 8];
        for (var b = 0; b < _blockSources.Length; b++) _blockSources[b] = Reverse(8 * b, bits);
        // Stage "half" (8, 16, …, N/2) uses exp(−2πj·k/(2·half)), k < half, stored at [half − 8, 2·half − 8).
        _twiddleRe = new float[Math.Max(n - 8, 1)];
        _twiddleIm = new float[Math.Max(n - 8, 1)];
        for (var half = 8; half < n; half *= 2)
        {
            for (var k = 0; k < half; k++)
            {
                var angle = -Math.PI * k / half;
                _twiddleRe[half - 8 + k] = (float)Math.Cos(angle);
                _twiddleIm[half - 8 + k] = (float)Math.Sin(angle);
            }
        }
    }

    public int Length => _n;

    /// <summary>
    /// Transforms the interleaved <paramref name="data"/> (N samples) into <paramref name="re"/>, <paramref name="im"/>
    /// (N each). With <paramref name="conjugateInput"/> the input is read conjugated (an inverse transform is
    /// conj(FFT(conj(x)))/N).
    /// </summary>
    public void Forward(ReadOnlySpan<float> data, Span<float> re, Span<float> im, bool conjugateInput)
    {
        if (data.Length < 2 * _n || re.Length < _n || im.Length < _n) throw new ArgumentException($"the FFT of {_n} samples got {data.Length / 2} samples and room for {Math.Min(re.Length, im.Length)}");
        ref var x = ref MemoryMarshal.GetReference(data);
        Leaves(ref x, ref Unsafe.Add(ref x, 1), 2, re, im, conjugateInput);
        Stages(re, im);
    }

    /// <summary>As the interleaved overload, from split input (<paramref name="inputRe"/>, <paramref name="inputIm"/>, N each, not the outputs).</summary>
    public void Forward(ReadOnlySpan<float> inputRe, ReadOnlySpan<float> inputIm, Span<float> re, Span<float> im, bool conjugateInput)
    {
        if (inputRe.Length < _n || inputIm.Length < _n || re.Length < _n || im.Length < _n) throw new ArgumentException($"the FFT of {_n} samples got {Math.Min(inputRe.Length, inputIm.Length)} samples and room for {Math.Min(re.Length, im.Length)}");
        Leaves(ref MemoryMarshal.GetReference(inputRe), ref MemoryMarshal.GetReference(inputIm), 1, re, im, conjugateInput);
        Stages(re, im);
    }

    private void Stages(Span<float> re, Span<float> im)
    {
        var half = 8;
        if ((System.Numerics.BitOperations.Log2((uint)_n) - 3) % 2 == 1)
        {
            Radix2Stage(re, im, half);
            half *= 2;
        }
        for (; half < _n; half *= 4) Radix4Stage(re, im, half);
    }

    /// <summary>
    /// The gather and the 8-point DFTs. Sample t's real part is at <paramref name="inRe"/>[spacing·t], its imaginary
    /// part at <paramref name="inIm"/>[spacing·t]: spacing 2 with inIm one float after inRe reads interleaved data, 1 split.
    /// </summary>
    private void Leaves(ref float inRe, ref float inIm, int spacing, Span<float> re, Span<float> im, bool conjugate)
    {
        const float Root = 0.70710678118654752f;
        var stride = spacing * (_n / 8);
        var sign = conjugate ? -1f : 1f;
        ref var outRe = ref MemoryMarshal.GetReference(re);
        ref var outIm = ref MemoryMarshal.GetReference(im);
        for (var b = 0; b < _blockSources.Length; b++)
        {
            var o = spacing * _blockSources[b];
            float r0 = Unsafe.Add(ref inRe, o), i0 = sign * Unsafe.Add(ref inIm, o);
            float r1 = Unsafe.Add(ref inRe, o + stride), i1 = sign * Unsafe.Add(ref inIm, o + stride);
            float r2 = Unsafe.Add(ref inRe, o + 2 * stride), i2 = sign * Unsafe.Add(ref inIm, o + 2 * stride);
            float r3 = Unsafe.Add(ref inRe, o + 3 * stride), i3 = sign * Unsafe.Add(ref inIm, o + 3 * stride);
            float r4 = Unsafe.Add(ref inRe, o + 4 * stride), i4 = sign * Unsafe.Add(ref inIm, o + 4 * stride);
            float r5 = Unsafe.Add(ref inRe, o + 5 * stride), i5 = sign * Unsafe.Add(ref inIm, o + 5 * stride);
            float r6 = Unsafe.Add(ref inRe, o + 6 * stride), i6 = sign * Unsafe.Add(ref inIm, o + 6 * stride);
            float r7 = Unsafe.Add(ref inRe, o + 7 * stride), i7 = sign * Unsafe.Add(ref inIm, o + 7 * stride);
            // Radix-2 on pairs (j, j+4), then a 4-point DFT of the evens and of the odds, then the W8 twiddles.
            float t0r = r0 + r4, t0i = i0 + i4, t1r = r0 - r4, t1i = i0 - i4;
            float t2r = r2 + r6, t2i = i2 + i6, t3r = r2 - r6, t3i = i2 - i6;
            float t4r = r1 + r5, t4i = i1 + i5, t5r = r1 - r5, t5i = i1 - i5;
            float t6r = r3 + r7, t6i = i3 + i7, t7r = r3 - r7, t7i = i3 - i7;
            // E = DFT4(z0, z2, z4, z6), O = DFT4(z1, z3, z5, z7); −j·(a + jb) = b − ja.
            float e0r = t0r + t2r, e0i = t0i + t2i, e2r = t0r - t2r, e2i = t0i - t2i;
            float e1r = t1r + t3i, e1i = t1i - t3r, e3r = t1r - t3i, e3i = t1i + t3r;
            float o0r = t4r + t6r, o0i = t4i + t6i, o2r = t4r - t6r, o2i = t4i - t6i;
            float o1r = t5r + t7i, o1i = t5i - t7r, o3r = t5r - t7i, o3i = t5i + t7r;
            // W8¹ = (1 − j)/√2, W8² = −j, W8³ = −(1 + j)/√2.
            float w1r = Root * (o1r + o1i), w1i = Root * (o1i - o1r);
            float w2r = o2i, w2i = -o2r;
            float w3r = Root * (o3i - o3r), w3i = -Root * (o3r + o3i);
            var at = 8 * b;
            ref var r = ref Unsafe.Add(ref outRe, at);
            ref var m = ref Unsafe.Add(ref outIm, at);
            r = e0r + o0r; m = e0i + o0i;
            Unsafe.Add(ref r, 4) = e0r - o0r; Unsafe.Add(ref m, 4) = e0i - o0i;
            Unsafe.Add(ref r, 1) = e1r + w1r; Unsafe.Add(ref m, 1) = e1i + w1i;
            Unsafe.Add(ref r, 5) = e1r - w1r; Unsafe.Add(ref m, 5) = e1i - w1i;
            Unsafe.Add(ref r, 2) = e2r + w2r; Unsafe.Add(ref m, 2) = e2i + w2i;
            Unsafe.Add(ref r, 6) = e2r - w2r; Unsafe.Add(ref m, 6) = e2i - w2i;
            Unsafe.Add(ref r, 3) = e3r + w3r; Unsafe.Add(ref m, 3) = e3i + w3i;
            Unsafe.Add(ref r, 7) = e3r - w3r; Unsafe.Add(ref m, 7) = e3i - w3i;
        }
    }

    /// <summary>One DIT stage: blocks of 2·half, a[k] ± w^k·a[k+half], w = exp(−2πj/(2·half)); half ≥ 8.</summary>
    private void Radix2Stage(Span<float> re, Span<float> im, int half)
    {
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var m = ref MemoryMarshal.GetReference(im);
        ref var twr = ref _twiddleRe[half - 8];
        ref var twi = ref _twiddleIm[half - 8];
        for (var s = 0; s < _n; s += 2 * half)
        {
            for (var k = 0; k < half; k += 8)
            {
                var wr = Vector256.LoadUnsafe(ref twr, (nuint)k);
                var wi = Vector256.LoadUnsafe(ref twi, (nuint)k);
                var a = (nuint)(s + k);
                var b = a + (nuint)half;
                var br = Vector256.LoadUnsafe(ref r, b);
                var bi = Vector256.LoadUnsafe(ref m, b);
                var tr = Vector256.MultiplyAddEstimate(br, wr, -(bi * wi));
                var ti = Vector256.MultiplyAddEstimate(br, wi, bi * wr);
                var ar = Vector256.LoadUnsafe(ref r, a);
                var ai = Vector256.LoadUnsafe(ref m, a);
                (ar + tr).StoreUnsafe(ref r, a);
                (ai + ti).StoreUnsafe(ref m, a);
                (ar - tr).StoreUnsafe(ref r, b);
                (ai - ti).StoreUnsafe(ref m, b);
            }
        }
    }

    /// <summary>
    /// The DIT stages half and 2·half at once, on blocks of 4·half: with w1 = exp(−2πj·k/(2·half)) and
    /// w2 = exp(−2πj·k/(4·half)), b0,1 = a0 ± w1·a1, b2,3 = a2 ± w1·a3, then c0,2 = b0 ± w2·b2 and c1,3 = b1 ∓ j·w2·b3
    /// (the second pair's twiddle is w2·exp(−jπ/2) = −j·w2).
    /// </summary>
    private void Radix4Stage(Span<float> re, Span<float> im, int half)
    {
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var m = ref MemoryMarshal.GetReference(im);
        ref var w1r = ref _twiddleRe[half - 8];
        ref var w1i = ref _twiddleIm[half - 8];
        ref var w2r = ref _twiddleRe[2 * half - 8];
        ref var w2i = ref _twiddleIm[2 * half - 8];
        var h = (nuint)half;
        for (var s = 0; s < _n; s += 4 * half)
        {
            for (var k = 0; k < half; k += 8)
            {
                var uk = (nuint)k;
                var i0 = (nuint)(s + k);
                var vr1 = Vector256.LoadUnsafe(ref w1r, uk);
                var vi1 = Vector256.LoadUnsafe(ref w1i, uk);
                var vr2 = Vector256.LoadUnsafe(ref w2r, uk);
                var vi2 = Vector256.LoadUnsafe(ref w2i, uk);

                var a0r = Vector256.LoadUnsafe(ref r, i0);
                var a0i = Vector256.LoadUnsafe(ref m, i0);
                var a1r = Vector256.LoadUnsafe(ref r, i0 + h);
                var a1i = Vector256.LoadUnsafe(ref m, i0 + h);
                var a2r = Vector256.LoadUnsafe(ref r, i0 + 2 * h);
                var a2i = Vector256.LoadUnsafe(ref m, i0 + 2 * h);
                var a3r = Vector256.LoadUnsafe(ref r, i0 + 3 * h);
                var a3i = Vector256.LoadUnsafe(ref m, i0 + 3 * h);

                var t1r = Vector256.MultiplyAddEstimate(a1r, vr1, -(a1i * vi1));
                var t1i = Vector256.MultiplyAddEstimate(a1r, vi1, a1i * vr1);
                var t3r = Vector256.MultiplyAddEstimate(a3r, vr1, -(a3i * vi1));
                var t3i = Vector256.MultiplyAddEstimate(a3r, vi1, a3i * vr1);
                Vector256<float> b0r = a0r + t1r, b0i = a0i + t1i, b1r = a0r - t1r, b1i = a0i - t1i;
                Vector256<float> b2r = a2r + t3r, b2i = a2i + t3i, b3r = a2r - t3r, b3i = a2i - t3i;

                var u2r = Vector256.MultiplyAddEstimate(b2r, vr2, -(b2i * vi2));
                var u2i = Vector256.MultiplyAddEstimate(b2r, vi2, b2i * vr2);
                var u3r = Vector256.MultiplyAddEstimate(b3r, vr2, -(b3i * vi2));
                var u3i = Vector256.MultiplyAddEstimate(b3r, vi2, b3i * vr2);

                (b0r + u2r).StoreUnsafe(ref r, i0);
                (b0i + u2i).StoreUnsafe(ref m, i0);
                (b0r - u2r).StoreUnsafe(ref r, i0 + 2 * h);
                (b0i - u2i).StoreUnsafe(ref m, i0 + 2 * h);
                // −j·u3 = u3i − j·u3r.
                (b1r + u3i).StoreUnsafe(ref r, i0 + h);
                (b1i - u3r).StoreUnsafe(ref m, i0 + h);
                (b1r - u3i).StoreUnsafe(ref r, i0 + 3 * h);
                (b1i + u3r).StoreUnsafe(ref m, i0 + 3 * h);
            }
        }
    }

    private static int Reverse(int i, int bits)
    {
        var r = 0;
        for (var b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
        return r;
    }
}
