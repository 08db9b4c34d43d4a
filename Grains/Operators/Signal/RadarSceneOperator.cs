namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// Synthetic pulse-Doppler radar returns. Pulse p (0 … P−1) of each CPI is, for range gates n = 0 … gates−1,
/// r[n] = Σₜ Aₜ·s[n − Rₜ]·exp(2πj·Dₜ·p/P) + w[n], where s is the <c>chirp</c> of N samples (0 ≤ n − Rₜ &lt; N, else no
/// term) and w is complex Gaussian noise with E|w|² = noise² from a generator seeded with <c>seed</c>.
/// </summary>
[Operator("radar_scene", Summary = "pulses of a chirp echoed by planted targets (range gate, Doppler bin) plus seeded Gaussian noise")]
public sealed class RadarSceneOperator : SourceOperator, ISampleClock
{
    [Arg("sample_rate", Minimum = 1, Description = "samples per second the scene stands for (no pacing; e.g. 5e6 for a 5 MHz receiver): the result document then states the run's real-time factor")]
    public double? SampleRateArg { get; set; }

    public double? SampleRate => SampleRateArg;

    public long SamplesEmitted => _pulse * GateCount;

    private float[]? _chirp;
    private RadarTarget[] _targets = [];
    private Simd.GaussianNoise? _noise;
    private long _pulse;

    [Arg("samples", Required = true, Minimum = 1, Maximum = 1 << 20, Description = "N, the samples of the transmitted chirp")]
    public int Samples { get; set; }

    [Arg("bandwidth", Minimum = 0, Maximum = 1, Description = "B of the chirp, 0 < B <= 1 (default 1)")]
    public double Bandwidth { get; set; } = 1;

    [Arg("gates", Minimum = 1, Maximum = 1 << 22, Description = "range gates (samples) per received pulse; default 2*samples")]
    public int? Gates { get; set; }

    [Arg("pulses", Minimum = 1, Maximum = 1 << 16, Description = "P, pulses per coherent processing interval (default 16)")]
    public int Pulses { get; set; } = 16;

    [Arg("cpis", Minimum = 1, Description = "coherent processing intervals to emit (default 1)")]
    public long Cpis { get; set; } = 1;

    [Arg("targets", Description = "\"range:doppler:amplitude;...\" (range gate of the echo's start, Doppler bin 0..P-1, amplitude default 1)")]
    public string Targets { get; set; } = "";

    [Arg("noise", Minimum = 0, Description = "RMS of the complex noise per sample (default 0.1)")]
    public double Noise { get; set; } = 0.1;

    [Arg("seed", Description = "noise generator seed (default 1)")]
    public int Seed { get; set; } = 1;

    private int GateCount => Gates ?? 2 * Samples;

    public override ValueTask<bool> ProduceAsync(OutputBuffer output, CancellationToken cancellation)
    {
        if (_chirp is null) Start();
        var gates = GateCount;
        var total = Cpis * Pulses;
        var perBatch = Math.Clamp(OutputBuffer.MaxVectorBatchBytes / (8 * gates), 1, BatchSize);
        var n = Math.Min(perBatch, total - _pulse);
        for (var i = 0; i < n; i++, _pulse++) Pulse(output.NextComplex(gates), (int)(_pulse % Pulses));
        return ValueTask.FromResult(_pulse < total);
    }

    private void Start()
    {
        var where = $"radar_scene (node '{NodeId}')";
        Chirp.CheckBandwidth(Bandwidth, where);
        _targets = RadarTarget.ParseAll(Targets, where);
        foreach (var t in _targets)
        {
            if (t.Range < 0 || t.Range >= GateCount) throw new ArgumentOutOfRangeException(nameof(Targets), $"{where}: target range {t.Range} is outside the {GateCount} range gates");
            if (t.Doppler < 0 || t.Doppler >= Pulses) throw new ArgumentOutOfRangeException(nameof(Targets), $"{where}: target Doppler bin {t.Doppler} is outside 0..{Pulses - 1}");
        }
        _chirp = Chirp.Create(Samples, Bandwidth);
        _noise = new Simd.GaussianNoise(Seed);
    }

    private void Pulse(Span<float> r, int p)
    {
        _noise!.Fill(r, Noise);
        var chirp = _chirp!;
        foreach (var t in _targets)
        {
            var turn = 2 * Math.PI * t.Doppler * p / Pulses;
            var cr = t.Amplitude * Math.Cos(turn);
            var ci = t.Amplitude * Math.Sin(turn);
            var end = Math.Min(r.Length / 2, t.Range + Samples);
            for (var n = t.Range; n < end; n++)
            {
                var sr = chirp[2 * (n - t.Range)];
                var si = chirp[2 * (n - t.Range) + 1];
                r[2 * n] += (float)(sr * cr - si * ci);
                r[2 * n + 1] += (float)(sr * ci + si * cr);
            }
        }
    }
}
