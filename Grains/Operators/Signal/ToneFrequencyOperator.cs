using System.Numerics;
using System.Text.Json;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// Estimates the dominant frequency of a real signal (real vectors, read one after the other, or scalars): the
/// peak of the periodogram of the first 2^k ≤ <c>max_samples</c> samples after removing their mean, Hann-windowed,
/// refined by a parabola through the peak and its neighbours. Result: {"frequency": cycles per sample (times
/// <c>sample_rate</c> when given), "samples": samples used}.
/// </summary>
[Operator("tone_frequency", Summary = "result: the dominant frequency of a real signal (periodogram peak)")]
public sealed class ToneFrequencyOperator : SinkOperator
{
    private float[] _samples = [];
    private int _count;

    [Arg("max_samples", Minimum = 8, Maximum = 1 << 24, Description = "samples analysed, at most (default 65536)")]
    public int MaxSamples { get; set; } = 1 << 16;

    [Arg("sample_rate", Minimum = 0, Description = "samples per second, to report Hz (default 1: cycles per sample)")]
    public double SampleRate { get; set; } = 1;

    public override void Consume(InputBatch input)
    {
        if (_samples.Length == 0) _samples = new float[MaxSamples];
        switch (input.Kind)
        {
            case ElementKind.Vector:
            case ElementKind.Float32:
                Append(input.Float32s);
                break;
            case ElementKind.Complex:
                throw new InvalidOperationException($"tone_frequency (node '{NodeId}') takes a real signal; demodulate or take the magnitude first");
            default:
                for (var i = 0; i < input.Count && _count < _samples.Length; i++) _samples[_count++] = (float)input.GetDouble(i);
                break;
        }
    }

    private void Append(ReadOnlySpan<float> values)
    {
        var n = Math.Min(values.Length, _samples.Length - _count);
        values[..n].CopyTo(_samples.AsSpan(_count));
        _count += n;
    }

    public override void WriteResult(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        var n = _count < 8 ? 0 : (int)BitOperations.RoundUpToPowerOf2((uint)_count + 1) / 2;
        writer.WriteNumber("samples", n);
        if (n == 0)
        {
            writer.WriteNull("frequency");
            writer.WriteEndObject();
            return;
        }
        writer.WriteNumber("frequency", Estimate(_samples.AsSpan(0, n)) * SampleRate);
        writer.WriteEndObject();
    }

    /// <summary>The periodogram peak of <paramref name="x"/> (a power-of-two count), in cycles per sample.</summary>
    public static double Estimate(ReadOnlySpan<float> x)
    {
        var n = x.Length;
        double mean = 0;
        foreach (var v in x) mean += v;
        mean /= n;
        var spectrum = new float[2 * n];
        for (var i = 0; i < n; i++) spectrum[2 * i] = (float)((x[i] - mean) * (0.5 - 0.5 * Math.Cos(2 * Math.PI * i / n)));
        FftPlan.For(n, "tone_frequency").Transform(spectrum, inverse: false);
        var peak = 1;
        var power = new double[n / 2 + 1];
        for (var k = 0; k <= n / 2; k++) power[k] = (double)spectrum[2 * k] * spectrum[2 * k] + (double)spectrum[2 * k + 1] * spectrum[2 * k + 1];
        for (var k = 1; k <= n / 2; k++) if (power[k] > power[peak]) peak = k;
        var offset = 0.0;
        if (peak > 0 && peak < n / 2)
        {
            // A parabola through the log powers around the peak (exact for a Gaussian-like main lobe such as Hann's).
            double a = Math.Log(power[peak - 1] + 1e-30), b = Math.Log(power[peak] + 1e-30), c = Math.Log(power[peak + 1] + 1e-30);
            var denominator = a - 2 * b + c;
            if (denominator != 0) offset = 0.5 * (a - c) / denominator;
        }
        return (peak + offset) / n;
    }
}
