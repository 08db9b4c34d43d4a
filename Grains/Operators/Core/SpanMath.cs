using System.Numerics;

namespace Dagger.Orleans.Operators.Core;

/// <summary>In-place arithmetic over spans, a SIMD register at a time, with the same results as the scalar loop.</summary>
internal static class SpanMath
{
    public static void Multiply<T>(Span<T> values, T factor) where T : unmanaged, INumber<T>
    {
        var f = new Vector<T>(factor);
        var i = 0;
        for (; i <= values.Length - Vector<T>.Count; i += Vector<T>.Count)
            (new Vector<T>(values[i..]) * f).CopyTo(values[i..]);
        for (; i < values.Length; i++) values[i] *= factor;
    }

    public static void Add<T>(Span<T> values, T addend) where T : unmanaged, INumber<T>
    {
        var a = new Vector<T>(addend);
        var i = 0;
        for (; i <= values.Length - Vector<T>.Count; i += Vector<T>.Count)
            (new Vector<T>(values[i..]) + a).CopyTo(values[i..]);
        for (; i < values.Length; i++) values[i] += addend;
    }
}
