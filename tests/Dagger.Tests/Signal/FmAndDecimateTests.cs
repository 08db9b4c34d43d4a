using System.Text.Json;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

public sealed class FmAndDecimateTests
{
    [Fact]
    public void Fm_demodulation_of_a_synthesised_fm_tone_recovers_the_tone_frequency()
    {
        const double tone = 0.0123, deviation = 0.08;
        var source = OperatorHarness.Create<SourceOperator>("fm_tone", $$"""{"tone":{{tone}},"deviation":{{deviation}},"width":1000,"count":40}""");
        var demod = OperatorHarness.Create<TransformOperator>("fm_demod", "{}");
        var sink = OperatorHarness.Create<SinkOperator>("tone_frequency", """{"max_samples":32768}""");

        var demodulated = OperatorHarness.Transform(demod, OperatorHarness.Drain(source));
        foreach (var b in demodulated) sink.Consume(b);
        var result = JsonDocument.Parse(Result(sink)).RootElement;

        Assert.Equal(32768, result.GetProperty("samples").GetInt32());
        Assert.Equal(tone, result.GetProperty("frequency").GetDouble(), 0.0002);
        // The discriminator's output is the instantaneous frequency in radians per sample: peak 2π·deviation.
        var peak = OperatorHarness.Elements(demodulated).SelectMany(v => v).Max();
        Assert.Equal(2 * Math.PI * deviation, peak, 0.001);
    }

    [Fact]
    public void Fm_demodulation_carries_the_previous_sample_across_elements()
    {
        // A constant rotation of 0.3 rad per sample, split over two elements: every output after the first is 0.3.
        var samples = new float[2 * 8];
        for (var n = 0; n < 8; n++)
        {
            samples[2 * n] = MathF.Cos(0.3f * n);
            samples[2 * n + 1] = MathF.Sin(0.3f * n);
        }
        var demod = OperatorHarness.Create<TransformOperator>("fm_demod", "{}");

        var output = OperatorHarness.Transform(demod, [OperatorHarness.ComplexBatch(samples[..8]), OperatorHarness.ComplexBatch(samples[8..])]);
        var values = OperatorHarness.Elements(output).SelectMany(v => v).ToArray();

        Assert.Equal(0f, values[0]);
        Assert.All(values[1..], v => Assert.Equal(0.3, v, 1e-5));
    }

    [Fact]
    public void Decimate_keeps_every_factor_th_sample_with_the_phase_carried_across_elements()
    {
        var decimate = OperatorHarness.Create<TransformOperator>("decimate", """{"factor":3}""");
        float[] Range(int from, int count) => Enumerable.Range(from, count).Select(i => (float)i).ToArray();

        var output = OperatorHarness.Transform(decimate, [OperatorHarness.VectorBatch(Range(0, 5)), OperatorHarness.VectorBatch(Range(5, 5)), OperatorHarness.VectorBatch(Range(10, 2))]);

        Assert.Equal([[0f, 3f], [6f, 9f]], OperatorHarness.Elements(output)); // 10, 11 keep nothing
    }

    [Fact]
    public void Decimate_keeps_complex_samples_whole()
    {
        var decimate = OperatorHarness.Create<TransformOperator>("decimate", """{"factor":2}""");

        var output = OperatorHarness.Transform(decimate, [OperatorHarness.ComplexBatch([1, -1, 2, -2, 3, -3])]);

        Assert.Equal(ElementKind.Complex, output.Single().Kind);
        Assert.Equal([[1f, -1f, 3f, -3f]], OperatorHarness.Elements(output));
    }

    private static string Result(SinkOperator sink)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) sink.WriteResult(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
