using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// Quadrature FM discriminator: y[n] = arg(x[n]·conj(x[n−1])) in radians per sample (−π … π], the previous sample
/// carried across elements; the very first sample of the stream has no predecessor and gives 0. A complex vector
/// of N samples becomes a real vector of N floats. (CPU only: a node asking for a GPU runs this same code.)
/// </summary>
[Operator("fm_demod", Summary = "quadrature discriminator arg(x[n]*conj(x[n-1])): complex vector -> real vector (rad/sample)")]
public sealed class FmDemodOperator : TransformOperator
{
    private bool _started;
    private float _previousRe;
    private float _previousIm;
    private float[] _re = [];
    private float[] _im = [];
    private float[] _productRe = [];
    private float[] _productIm = [];

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        SignalInput.Require(input, ElementKind.Complex, "fm_demod", NodeId);
        for (var i = 0; i < input.Count; i++)
        {
            ReadOnlySpan<float> x = input.ComplexVector(i);
            var y = output.NextVector(input.Width);
            if (x.Length == 0) continue;
            if (!_started)
            {
                _previousRe = x[0];
                _previousIm = x[1];
                _started = true;
            }
            Demodulate(x, y);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Split the samples behind the carried previous one (so x[n−1] is the same arrays shifted by one), form
    /// x[n]·conj(x[n−1]) eight at a time, and take the angles eight at a time (<see cref="Simd.VectorAtan2"/>). Plain multiplies
    /// and subtracts, not fused: x·conj(x) must keep an imaginary part of exactly 0.
    /// </summary>
    private void Demodulate(ReadOnlySpan<float> x, Span<float> y)
    {
        var n = y.Length;
        if (_re.Length < n + 1)
        {
            _re = new float[n + 1];
            _im = new float[n + 1];
            _productRe = new float[n];
            _productIm = new float[n];
        }
        _re[0] = _previousRe;
        _im[0] = _previousIm;
        Simd.ComplexLayout.Split(x, _re.AsSpan(1, n), _im.AsSpan(1, n));
        ref var re = ref MemoryMarshal.GetArrayDataReference(_re);
        ref var im = ref MemoryMarshal.GetArrayDataReference(_im);
        ref var pr = ref MemoryMarshal.GetArrayDataReference(_productRe);
        ref var pi = ref MemoryMarshal.GetArrayDataReference(_productIm);
        var k = 0;
        for (; k + 8 <= n; k += 8)
        {
            var u = (nuint)k;
            var ar = Vector256.LoadUnsafe(ref re, u + 1);
            var ai = Vector256.LoadUnsafe(ref im, u + 1);
            var br = Vector256.LoadUnsafe(ref re, u);
            var bi = Vector256.LoadUnsafe(ref im, u);
            (ar * br + ai * bi).StoreUnsafe(ref pr, u);
            (ai * br - ar * bi).StoreUnsafe(ref pi, u);
        }
        for (; k < n; k++)
        {
            _productRe[k] = _re[k + 1] * _re[k] + _im[k + 1] * _im[k];
            _productIm[k] = _im[k + 1] * _re[k] - _re[k + 1] * _im[k];
        }
        Simd.VectorAtan2.Compute(_productIm.AsSpan(0, n), _productRe.AsSpan(0, n), y);
        _previousRe = _re[n];
        _previousIm = _im[n];
    }

    public override void SaveState(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("started", _started);
        writer.WriteNumber("re", _previousRe);
        writer.WriteNumber("im", _previousIm);
        writer.WriteEndObject();
    }

    public override void RestoreState(JsonElement state)
    {
        _started = state.GetProperty("started").GetBoolean();
        _previousRe = state.GetProperty("re").GetSingle();
        _previousIm = state.GetProperty("im").GetSingle();
    }
}
