using System.Numerics;

namespace Dagger.Orleans.Operators.Core;

/// <summary>In-place arithmetic over spans, a SIMD register at a time, with the same results as the scalar loop.</summary>
internal static class SpanMath
{
    public static void Multiply(Span<double> values, double factor)
    {
        var f = new Vector<double>(factor);
        var i = 0;
        for (; i <= values.Length - Vector<double>.Count; i += Vector<double>.Count)
            (new Vector<double>(values[i..]) * f).CopyTo(values[i..]);
        for (; i < values.Length; i++) values[i] *= factor;
    }

    public static void Multiply(Span<float> values, float factor)
    {
        var f = new Vector<float>(factor);
        var i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(values[i..]) * f).CopyTo(values[i..]);
        for (; i < values.Length; i++) values[i] *= factor;
    }

    public static void Add(Span<double> values, double addend)
    {
        var a = new Vector<double>(addend);
        var i = 0;
        for (; i <= values.Length - Vector<double>.Count; i += Vector<double>.Count)
            (new Vector<double>(values[i..]) + a).CopyTo(values[i..]);
        for (; i < values.Length; i++) values[i] += addend;
    }
}
