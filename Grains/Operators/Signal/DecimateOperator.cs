using System.Text.Json;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// Keeps every <c>factor</c>-th sample of a stream of complex or real vectors: sample i of the stream (counted across
/// elements) is kept when i mod factor = 0. An element's output holds the samples it kept (its width may vary by one
/// when the input width is not a multiple of the factor); an element that keeps none emits nothing. No filtering:
/// put a <c>fir</c> low-pass before it to avoid aliasing.
/// </summary>
[Operator("decimate", Summary = "keeps every factor-th sample, phase carried across elements (complex or real vectors)")]
public sealed class DecimateOperator : TransformOperator
{
    private long _phase;

    [Arg("factor", Required = true, Minimum = 1, Maximum = 1 << 20, Description = "keep one sample in this many")]
    public int Factor { get; set; }

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        SignalInput.RequireVector(input, "decimate", NodeId);
        var complex = input.Kind == ElementKind.Complex;
        var floatsPerSample = complex ? 2 : 1;
        for (var i = 0; i < input.Count; i++)
        {
            // The first kept sample of this element is the next multiple of the factor in stream order.
            var first = (int)((Factor - _phase % Factor) % Factor);
            var kept = first >= input.Width ? 0 : (input.Width - first + Factor - 1) / Factor;
            _phase += input.Width;
            if (kept == 0) continue;
            ReadOnlySpan<float> x = complex ? input.ComplexVector(i) : input.Vector(i);
            var y = complex ? output.NextComplex(kept) : output.NextVector(kept);
            for (var k = 0; k < kept; k++)
            {
                var from = (first + k * Factor) * floatsPerSample;
                y[k * floatsPerSample] = x[from];
                if (complex) y[2 * k + 1] = x[from + 1];
            }
        }
        return ValueTask.CompletedTask;
    }

    public override void SaveState(Utf8JsonWriter writer) => writer.WriteNumberValue(_phase);

    public override void RestoreState(JsonElement state) => _phase = state.GetInt64();
}
