using System.Numerics;

namespace Dagger.Orleans.Bench.Chain;

/// <summary>The SIMD multiply Dagger's <c>scale</c> runs for a float32-exact factor, used by every baseline so the ratios compare runtimes, not kernels.</summary>
public static class ScaleKernel
{
    /// <summary>1.5 is exact in float32, so Dagger's scale takes its vectorised float path too.</summary>
    public const float Factor = 1.5f;

    public static void Multiply(Span<float> values, float factor)
    {
        var f = new Vector<float>(factor);
        var i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            (new Vector<float>(values[i..]) * f).CopyTo(values[i..]);
        for (; i < values.Length; i++) values[i] *= factor;
    }
}
