using System.Numerics.Tensors;

namespace Dagger.Orleans.Operators.Signal.Simd;

/// <summary>
/// Seeded complex Gaussian noise, a vector at a time: uniform floats from xoshiro128** (a few cycles each, where
/// <see cref="Random"/> with a seed runs its legacy generator), then Box–Muller with the vectorised log, sqrt and
/// sin/cos of <see cref="TensorPrimitives"/>. The same seed gives the same noise on every machine.
/// </summary>
internal sealed class GaussianNoise
{
    private uint _s0, _s1, _s2, _s3;
    private float[] _radius = [];
    private float[] _angle = [];
    private float[] _sin = [];
    private float[] _cos = [];

    public GaussianNoise(int seed)
    {
        // SplitMix64 spreads the seed over the 128-bit state (xoshiro must not start at zero).
        var z = (ulong)seed;
        ulong Next()
        {
            z += 0x9E3779B97F4A7C15UL;
            var v = z;
            v = (v ^ (v >> 30)) * 0xBF58476D1CE4E5B9UL;
            v = (v ^ (v >> 27)) * 0x94D049BB133111EBUL;
            return v ^ (v >> 31);
        }
        var a = Next();
        var b = Next();
        (_s0, _s1, _s2, _s3) = ((uint)a, (uint)(a >> 32), (uint)b, (uint)(b >> 32));
    }

    /// <summary>Fills the interleaved <paramref name="samples"/> with complex noise of E|w|² = <paramref name="rms"/>².</summary>
    public void Fill(Span<float> samples, double rms)
    {
        var n = samples.Length / 2;
        if (_radius.Length < n)
        {
            _radius = new float[n];
            _angle = new float[n];
            _sin = new float[n];
            _cos = new float[n];
        }
        var radius = _radius.AsSpan(0, n);
        var angle = _angle.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            // u in (0, 1] (the log needs u > 0); the angle as a multiple of π, in [0, 2).
            radius[i] = ((Next() >> 8) + 1) * (1f / (1 << 24));
            angle[i] = (Next() >> 8) * (2f / (1 << 24));
        }
        TensorPrimitives.Log(radius, radius);
        TensorPrimitives.Multiply(radius, -2f, radius);
        TensorPrimitives.Sqrt(radius, radius);
        var sin = _sin.AsSpan(0, n);
        var cos = _cos.AsSpan(0, n);
        TensorPrimitives.SinCosPi(angle, sin, cos);
        TensorPrimitives.Multiply(cos, radius, cos);
        TensorPrimitives.Multiply(sin, radius, sin);
        // Each component has variance σ²/2, so the complex sample has E|w|² = σ².
        ComplexLayout.Join(cos, sin, samples, (float)(rms / Math.Sqrt(2)), conjugate: false);
    }

    private uint Next()
    {
        var result = uint.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 9;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = uint.RotateLeft(_s3, 11);
        return result;
    }
}
