using System.Text.Json;
namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// A test signal for <c>fm_demod</c>: a unit carrier frequency-modulated by a cosine tone,
/// x[n] = exp(j·φ[n]), φ[n] = 2π·carrier·n + (deviation/tone)·sin(2π·tone·n), so its instantaneous frequency is
/// carrier + deviation·cos(2π·tone·n) cycles per sample. Emitted as complex vectors of <c>width</c> samples.
/// </summary>
[Operator("fm_tone", Summary = "a carrier FM-modulated by a cosine tone (frequencies in cycles per sample)")]
public sealed class FmToneOperator : SourceOperator, ISampleClock
{
    [Arg("sample_rate", Minimum = 1, Description = "samples per second the signal stands for (no pacing): the result document then states the run's real-time factor")]
    public double? SampleRateArg { get; set; }

    public double? SampleRate => SampleRateArg;

    public long SamplesEmitted => _sample;

    private long _sample;

    [Arg("tone", Required = true, Minimum = 0, Maximum = 0.5, Description = "frequency of the modulating tone, cycles per sample")]
    public double Tone { get; set; }

    [Arg("deviation", Minimum = 0, Maximum = 0.5, Description = "peak frequency deviation, cycles per sample (default 0.05)")]
    public double Deviation { get; set; } = 0.05;

    [Arg("carrier", Minimum = -0.5, Maximum = 0.5, Description = "carrier offset from 0, cycles per sample (default 0)")]
    public double Carrier { get; set; }

    [Arg("width", Minimum = 1, Maximum = 1 << 24, Description = "complex samples per element (default 4096)")]
    public int Width { get; set; } = 4096;

    [Arg("count", Minimum = 0, Description = "elements to emit; absent: endless")]
    public long? Count { get; set; }

    public override ValueTask<bool> ProduceAsync(OutputBuffer output, CancellationToken cancellation)
    {
        var perBatch = Math.Clamp(OutputBuffer.MaxVectorBatchBytes / (8 * Width), 1, BatchSize);
        var emitted = _sample / Width;
        var n = Count is { } c ? Math.Min(perBatch, c - emitted) : perBatch;
        var index = Tone > 0 ? Deviation / Tone : 0;
        for (var e = 0; e < n; e++)
        {
            var x = output.NextComplex(Width);
            for (var i = 0; i < Width; i++, _sample++)
            {
                var phase = 2 * Math.PI * Carrier * _sample + index * Math.Sin(2 * Math.PI * Tone * _sample);
                x[2 * i] = (float)Math.Cos(phase);
                x[2 * i + 1] = (float)Math.Sin(phase);
            }
        }
        return ValueTask.FromResult(Count is not { } total || _sample / Width < total);
    }

    public override void SaveState(Utf8JsonWriter writer) => writer.WriteNumberValue(_sample);

    public override void RestoreState(JsonElement state) => _sample = state.GetInt64();
}
