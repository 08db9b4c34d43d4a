using System.Text.Json;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// The linear-FM pulse s[n] = exp(jπ·B·(n − N/2)²/N), n = 0 … N−1: its frequency sweeps B cycles per sample, from
/// −B/2 to +B/2 (B normalised to the sample rate, 0 &lt; B ≤ 1). Computed in double, stored as float32.
/// </summary>
public static class Chirp
{
    public static void Fill(Span<float> interleaved, int samples, double bandwidth)
    {
        for (var n = 0; n < samples; n++)
        {
            var t = n - samples / 2.0;
            var phase = Math.PI * bandwidth * t * t / samples;
            interleaved[2 * n] = (float)Math.Cos(phase);
            interleaved[2 * n + 1] = (float)Math.Sin(phase);
        }
    }

    public static float[] Create(int samples, double bandwidth)
    {
        var s = new float[2 * samples];
        Fill(s, samples, bandwidth);
        return s;
    }

    /// <summary>Checks the bandwidth the arguments cannot bound exactly (0 is excluded), naming the node.</summary>
    public static void CheckBandwidth(double bandwidth, string where)
    {
        if (!(bandwidth > 0 && bandwidth <= 1)) throw new ArgumentOutOfRangeException(nameof(bandwidth), $"{where}: 'bandwidth' must be in (0, 1] (a fraction of the sample rate), not {bandwidth}");
    }
}

[Operator("chirp", Summary = "linear-FM pulses s[n] = exp(j*pi*B*(n - N/2)^2 / N), count times or endlessly")]
public sealed class ChirpOperator : SourceOperator
{
    private float[]? _chirp;
    private long _emitted;

    [Arg("samples", Required = true, Minimum = 1, Maximum = 1 << 24, Description = "N, the samples of one pulse")]
    public int Samples { get; set; }

    [Arg("bandwidth", Minimum = 0, Maximum = 1, Description = "B, the swept band as a fraction of the sample rate, 0 < B <= 1 (default 1)")]
    public double Bandwidth { get; set; } = 1;

    [Arg("count", Minimum = 0, Description = "how many pulses; absent: endless")]
    public long? Count { get; set; }

    public override ValueTask<bool> ProduceAsync(OutputBuffer output, CancellationToken cancellation)
    {
        if (_chirp is null)
        {
            Chirp.CheckBandwidth(Bandwidth, $"chirp (node '{NodeId}')");
            _chirp = Chirp.Create(Samples, Bandwidth);
        }
        var perBatch = Math.Clamp(OutputBuffer.MaxVectorBatchBytes / (8 * Samples), 1, BatchSize);
        var n = Count is { } c ? Math.Min(perBatch, c - _emitted) : perBatch;
        for (var i = 0; i < n; i++) _chirp.CopyTo(output.NextComplex(Samples));
        _emitted += n;
        return ValueTask.FromResult(Count is not { } total || _emitted < total);
    }

    public override void SaveState(Utf8JsonWriter writer) => writer.WriteNumberValue(_emitted);

    public override void RestoreState(JsonElement state) => _emitted = state.GetInt64();
}
