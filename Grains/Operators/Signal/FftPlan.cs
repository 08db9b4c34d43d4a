using System.Collections.Concurrent;
using System.Numerics;
using Dagger.Orleans.Operators.Signal.Simd;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// The FFT of one length, shared, read-only, by every node in the process (plans are cached per length). A power of two
/// of at least 8 runs <see cref="SplitFft"/> (SIMD radix 2², bit reversal folded into the first pass); shorter powers of
/// two the scalar radix-2 loop; any other length Bluestein's algorithm on a power-of-two FFT. The radix-2 tables
/// (<see cref="BitReversed"/>, <see cref="Twiddles"/>) are what the GPU kernels use.
/// </summary>
/// <remarks>
/// Forward: X[k] = Σₙ x[n]·exp(−2πj·kn/N). Inverse: x[n] = (1/N)·Σₖ X[k]·exp(+2πj·kn/N), so inverse(forward(x)) = x.
/// </remarks>
public sealed class FftPlan
{
    private static readonly ConcurrentDictionary<int, FftPlan> s_plans = new();

    private static readonly ConcurrentDictionary<int, FftPlan> s_anyLength = new();
    private readonly SplitFft? _split;
    private readonly BluesteinFft? _bluestein;
    private readonly IntPtr _fftwForward;
    private readonly IntPtr _fftwBackward;

    /// <summary>
    /// FFTW where it won when measured side by side here (docs/signal-operators.md): every length that is not a power
    /// of two (~7× our Bluestein path) and powers of two from 1024 (~1.2–1.4×); below 1024 our FFT was faster (the call
    /// and FFTW's unaligned in-place codelets cost more than they save).
    /// </summary>
    private FftPlan(int length) : this(length, Fftw.Available && (!BitOperations.IsPow2(length) || length >= 1024))
    {
    }

    private FftPlan(int length, bool useFftw)
    {
        Length = length;
        if (useFftw && length >= 2) (_fftwForward, _fftwBackward) = Fftw.Plans(length);
        if (!BitOperations.IsPow2(length))
        {
            _bluestein = new BluesteinFft(length);
            BitReversed = [];
            Twiddles = [];
            return;
        }
        if (length >= 8) _split = new SplitFft(length);
        Log2 = BitOperations.Log2((uint)length);
        BitReversed = new int[length];
        for (var i = 0; i < length; i++) BitReversed[i] = Reverse(i, Log2);
        Twiddles = new float[Math.Max(length, 2)];
        for (var k = 0; k < length / 2; k++)
        {
            var angle = -2 * Math.PI * k / length;
            Twiddles[2 * k] = (float)Math.Cos(angle);
            Twiddles[2 * k + 1] = (float)Math.Sin(angle);
        }
    }

    public int Length { get; }

    /// <summary>True when this plan runs FFTW (installed, and the length is at least 2).</summary>
    public bool UsesFftw => _fftwForward != IntPtr.Zero;

    /// <summary>A plan of our own FFT only, not cached: for the tests and the benchmark that compare it with FFTW.</summary>
    internal static FftPlan Managed(int length) => new(length, useFftw: false);

    /// <summary>The SIMD split-data FFT behind a power-of-two plan of at least 8, for callers that stay in split form; else null.</summary>
    internal SplitFft? Split => _split;

    public int Log2 { get; }

    /// <summary>Index i goes to position BitReversed[i].</summary>
    public int[] BitReversed { get; }

    /// <summary>exp(−2πj·k/n) for k &lt; n/2, interleaved re, im.</summary>
    public float[] Twiddles { get; }

    /// <summary>The plan for <paramref name="length"/> samples; throws, naming <paramref name="what"/>, unless the length is a power of two.</summary>
    public static FftPlan For(int length, string what)
    {
        if (length < 1 || !BitOperations.IsPow2(length))
            throw new ArgumentException($"{what}: the radix-2 FFT needs a power-of-two length, not {length} (pad the vectors, e.g. to {(length < 1 ? 1 : (int)BitOperations.RoundUpToPowerOf2((uint)length))})");
        return s_plans.GetOrAdd(length, static n => new FftPlan(n));
    }

    /// <summary>The plan for any <paramref name="length"/> ≥ 1; throws, naming <paramref name="what"/>, for a length below 1.</summary>
    public static FftPlan ForAnyLength(int length, string what)
    {
        if (length < 1) throw new ArgumentException($"{what}: an FFT needs at least one sample, not {length}");
        if (BitOperations.IsPow2(length)) return For(length, what);
        return s_anyLength.GetOrAdd(length, static n => new FftPlan(n));
    }

    private static int Reverse(int i, int bits)
    {
        var r = 0;
        for (var b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
        return r;
    }

    /// <summary>Transforms one vector of <see cref="Length"/> complex samples (interleaved re, im) in place.</summary>
    public void Transform(Span<float> data, bool inverse)
    {
        if (data.Length != 2 * Length) throw new ArgumentException($"an FFT of {Length} samples got {data.Length / 2}", nameof(data));
        if (_fftwForward != IntPtr.Zero)
        {
            Fftw.Execute(inverse ? _fftwBackward : _fftwForward, data);
            if (inverse) System.Numerics.Tensors.TensorPrimitives.Multiply(data, 1f / Length, data);
            return;
        }
        if (_bluestein is not null)
        {
            _bluestein.Transform(data, inverse);
            return;
        }
        if (_split is not null)
        {
            var (re, im) = Scratch.Split(Length);
            _split.Forward(data, re, im, conjugateInput: inverse);
            ComplexLayout.Join(re, im, data, inverse ? 1f / Length : 1f, conjugate: inverse);
            return;
        }
        TransformScalar(data, inverse);
    }

    /// <summary>The radix-2 loop in place, for the lengths below the SIMD FFT's (1, 2, 4).</summary>
    private void TransformScalar(Span<float> data, bool inverse)
    {
        var n = Length;
        for (var i = 0; i < n; i++)
        {
            var j = BitReversed[i];
            if (j <= i) continue;
            (data[2 * i], data[2 * j]) = (data[2 * j], data[2 * i]);
            (data[2 * i + 1], data[2 * j + 1]) = (data[2 * j + 1], data[2 * i + 1]);
        }
        var sign = inverse ? -1f : 1f;
        var twiddles = Twiddles;
        for (var half = 1; half < n; half <<= 1)
        {
            var step = n / (2 * half);
            for (var start = 0; start < n; start += 2 * half)
            {
                for (var k = 0; k < half; k++)
                {
                    var wr = twiddles[2 * k * step];
                    var wi = sign * twiddles[2 * k * step + 1];
                    var a = 2 * (start + k);
                    var b = a + 2 * half;
                    var br = data[b] * wr - data[b + 1] * wi;
                    var bi = data[b] * wi + data[b + 1] * wr;
                    var ar = data[a];
                    var ai = data[a + 1];
                    data[a] = ar + br;
                    data[a + 1] = ai + bi;
                    data[b] = ar - br;
                    data[b + 1] = ai - bi;
                }
            }
        }
        if (!inverse) return;
        var scale = 1f / n;
        for (var i = 0; i < 2 * n; i++) data[i] *= scale;
    }
}
