using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dagger.Orleans.Operators.Signal.Simd;

/// <summary>
/// Moves complex samples between the wire's interleaved layout (re, im, re, im, …) and the split layout (all re, then
/// all im) that SIMD kernels want: in split form one vector holds eight real parts, so a butterfly or a multiply-add
/// needs no shuffles. AVX2 shuffles where the CPU has them, a scalar loop for the rest.
/// </summary>
internal static class ComplexLayout
{
    /// <summary>re[i] = x[2i], im[i] = x[2i+1], for the samples of <paramref name="interleaved"/>.</summary>
    public static void Split(ReadOnlySpan<float> interleaved, Span<float> re, Span<float> im)
    {
        var n = interleaved.Length / 2;
        if (re.Length < n || im.Length < n) throw new ArgumentException($"split targets hold {Math.Min(re.Length, im.Length)} samples, {n} needed");
        ref var x = ref MemoryMarshal.GetReference(interleaved);
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var m = ref MemoryMarshal.GetReference(im);
        var i = 0;
        if (Avx2.IsSupported)
        {
            for (; i + 8 <= n; i += 8)
            {
                var v0 = Vector256.LoadUnsafe(ref x, (nuint)(2 * i));
                var v1 = Vector256.LoadUnsafe(ref x, (nuint)(2 * i + 8));
                // Within each 128-bit lane: [r0 r1 r4 r5 | r2 r3 r6 r7]; the 64-bit permute puts the pairs in order.
                var reals = Avx.Shuffle(v0, v1, 0b10_00_10_00);
                var imags = Avx.Shuffle(v0, v1, 0b11_01_11_01);
                Avx2.Permute4x64(reals.AsDouble(), 0b11_01_10_00).AsSingle().StoreUnsafe(ref r, (nuint)i);
                Avx2.Permute4x64(imags.AsDouble(), 0b11_01_10_00).AsSingle().StoreUnsafe(ref m, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref r, i) = Unsafe.Add(ref x, 2 * i);
            Unsafe.Add(ref m, i) = Unsafe.Add(ref x, 2 * i + 1);
        }
    }

    /// <summary>x[2i] = scale·re[i], x[2i+1] = ±scale·im[i] (minus when <paramref name="conjugate"/>), for the samples of <paramref name="interleaved"/>.</summary>
    public static void Join(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> interleaved, float scale, bool conjugate)
    {
        var n = interleaved.Length / 2;
        if (re.Length < n || im.Length < n) throw new ArgumentException($"split sources hold {Math.Min(re.Length, im.Length)} samples, {n} needed");
        ref var x = ref MemoryMarshal.GetReference(interleaved);
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var m = ref MemoryMarshal.GetReference(im);
        var imScale = conjugate ? -scale : scale;
        var i = 0;
        if (Avx2.IsSupported)
        {
            var sr = Vector256.Create(scale);
            var si = Vector256.Create(imScale);
            for (; i + 8 <= n; i += 8)
            {
                var reals = Vector256.LoadUnsafe(ref r, (nuint)i) * sr;
                var imags = Vector256.LoadUnsafe(ref m, (nuint)i) * si;
                var low = Avx.UnpackLow(reals, imags);   // [r0 i0 r1 i1 | r4 i4 r5 i5]
                var high = Avx.UnpackHigh(reals, imags); // [r2 i2 r3 i3 | r6 i6 r7 i7]
                Avx.Permute2x128(low, high, 0x20).StoreUnsafe(ref x, (nuint)(2 * i));
                Avx.Permute2x128(low, high, 0x31).StoreUnsafe(ref x, (nuint)(2 * i + 8));
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref x, 2 * i) = scale * Unsafe.Add(ref r, i);
            Unsafe.Add(ref x, 2 * i + 1) = imScale * Unsafe.Add(ref m, i);
        }
    }

    /// <summary>a[i] ← a[i]·b[i] for interleaved complex <paramref name="a"/> and <paramref name="b"/> of the same length.</summary>
    public static void MultiplyInPlace(Span<float> a, ReadOnlySpan<float> b)
    {
        if (b.Length < a.Length) throw new ArgumentException($"the multiplier holds {b.Length / 2} samples, {a.Length / 2} needed");
        ref var x = ref MemoryMarshal.GetReference(a);
        ref var y = ref MemoryMarshal.GetReference(b);
        var i = 0;
        if (Fma.IsSupported)
        {
            for (; i + 8 <= a.Length; i += 8)
            {
                var va = Vector256.LoadUnsafe(ref x, (nuint)i);
                var vb = Vector256.LoadUnsafe(ref y, (nuint)i);
                var bRe = Avx.DuplicateEvenIndexed(vb);
                var bIm = Avx.DuplicateOddIndexed(vb);
                var swapped = Avx.Permute(va, 0b10_11_00_01); // [ai ar …]
                // Even lanes: ar·br − ai·bi; odd lanes: ai·br + ar·bi.
                Fma.MultiplyAddSubtract(va, bRe, swapped * bIm).StoreUnsafe(ref x, (nuint)i);
            }
        }
        for (; i < a.Length; i += 2)
        {
            var (ar, ai) = (Unsafe.Add(ref x, i), Unsafe.Add(ref x, i + 1));
            var (br, bi) = (Unsafe.Add(ref y, i), Unsafe.Add(ref y, i + 1));
            Unsafe.Add(ref x, i) = ar * br - ai * bi;
            Unsafe.Add(ref x, i + 1) = ar * bi + ai * br;
        }
    }
}
