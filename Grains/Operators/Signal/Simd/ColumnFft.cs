using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dagger.Orleans.Operators.Signal.Simd;

/// <summary>
/// The FFT down the columns of a P × L matrix in split form (P rows of L, re and im planes apart) — Doppler processing,
/// where a column is one range gate across the pulses of a CPI. The transform runs across rows, eight columns per vector
/// lane group, so the corner turn costs nothing: no column is ever gathered. Radix-2 decimation in time; the caller
/// stores row p at row bitrev(p) (see <see cref="FftPlan.BitReversed"/>), and row k of the result is bin k.
/// </summary>
internal static class ColumnFft
{
    public static void Transform(Span<float> re, Span<float> im, int columns, FftPlan plan)
    {
        var rows = plan.Length;
        if (re.Length < rows * columns || im.Length < rows * columns) throw new ArgumentException($"a {rows} x {columns} column FFT got planes of {Math.Min(re.Length, im.Length)} values");
        var twiddles = plan.Twiddles;
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var m = ref MemoryMarshal.GetReference(im);
        for (var half = 1; half < rows; half <<= 1)
        {
            var step = rows / (2 * half);
            for (var s = 0; s < rows; s += 2 * half)
            {
                for (var k = 0; k < half; k++)
                {
                    float wr = twiddles[2 * k * step], wi = twiddles[2 * k * step + 1];
                    var a = (nuint)((s + k) * columns);
                    var b = (nuint)((s + k + half) * columns);
                    var vwr = Vector256.Create(wr);
                    var vwi = Vector256.Create(wi);
                    var c = 0;
                    for (; c + 8 <= columns; c += 8)
                    {
                        var uc = (nuint)c;
                        var br = Vector256.LoadUnsafe(ref r, b + uc);
                        var bi = Vector256.LoadUnsafe(ref m, b + uc);
                        var tr = Vector256.MultiplyAddEstimate(br, vwr, -(bi * vwi));
                        var ti = Vector256.MultiplyAddEstimate(br, vwi, bi * vwr);
                        var ar = Vector256.LoadUnsafe(ref r, a + uc);
                        var ai = Vector256.LoadUnsafe(ref m, a + uc);
                        (ar + tr).StoreUnsafe(ref r, a + uc);
                        (ai + ti).StoreUnsafe(ref m, a + uc);
                        (ar - tr).StoreUnsafe(ref r, b + uc);
                        (ai - ti).StoreUnsafe(ref m, b + uc);
                    }
                    for (; c < columns; c++)
                    {
                        var ia = (int)a + c;
                        var ib = (int)b + c;
                        float br = re[ib], bi = im[ib];
                        float tr = br * wr - bi * wi, ti = br * wi + bi * wr;
                        float ar = re[ia], ai = im[ia];
                        re[ia] = ar + tr;
                        im[ia] = ai + ti;
                        re[ib] = ar - tr;
                        im[ib] = ai - ti;
                    }
                }
            }
        }
    }
}
