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

    public override ValueTask TransformAsync(int port, Batch input, OutputBuffer output, CancellationToken cancellation)
    {
        SignalInput.Require(input, ElementKind.Complex, "fm_demod", NodeId);
        for (var i = 0; i < input.Count; i++)
        {
            ReadOnlySpan<float> x = input.ComplexVector(i);
            var y = output.NextVector(input.Width);
            if (!_started && x.Length > 0)
            {
                _previousRe = x[0];
                _previousIm = x[1];
                _started = true;
            }
            for (var n = 0; n < y.Length; n++)
            {
                double re = x[2 * n], im = x[2 * n + 1];
                y[n] = (float)Math.Atan2(im * _previousRe - re * _previousIm, re * _previousRe + im * _previousIm);
                _previousRe = (float)re;
                _previousIm = (float)im;
            }
        }
        return ValueTask.CompletedTask;
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
