using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Signal;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Bench.Radar;

/// <summary>
/// examples/radar.json's scene and pipeline (radar_scene → pulse_compress → doppler → magnitude → cfar → sink), with
/// the number of CPIs left open, and the real-time rate the benchmark holds it to.
/// </summary>
internal static class RadarScene
{
    public const int ChirpSamples = 64;
    public const double Bandwidth = 1.0;
    public const int Gates = 512;
    public const int Pulses = 16;
    public const string Targets = "40:3:1;150:12:0.5;300:0:1";
    public const int TargetCount = 3;
    public const double Noise = 0.5;
    public const int Seed = 7;
    public const int Guard = 4;
    public const int Reference = 5;
    public const double Mu = 100;

    /// <summary>
    /// The scene has no clock of its own (frequencies are in cycles per sample), so the benchmark gives it one: a
    /// receiver sampling complex baseband at 5 MHz — the B = 1 chirp then sweeps 5 MHz (30 m range resolution) and a
    /// pulse repetition interval of 512 gates lasts 102.4 µs (PRF 9.77 kHz, 15.4 km unambiguous range). Real time is
    /// keeping up with that receiver: 5 M samples/s.
    /// </summary>
    public const double RealTimeSamplesPerSecond = 5e6;

    public static long SamplesPerCpi => (long)Pulses * Gates;

    public static DagSpec Pipeline(long cpis) =>
        new DagBuilder("radar-bench")
            .Defaults(batch: Pulses)
            .Node("scene", "radar_scene", new { samples = ChirpSamples, bandwidth = Bandwidth, gates = Gates, pulses = Pulses, cpis, targets = Targets, noise = Noise, seed = Seed })
            .Node("compress", "pulse_compress", new { samples = ChirpSamples, bandwidth = Bandwidth }, device: "gpu")
            .Node("doppler", "doppler", new { pulses = Pulses }, device: "gpu")
            .Node("magnitude", "magnitude", device: "gpu")
            .Node("cfar", "cfar", new { guard = Guard, reference = Reference, mu = Mu, doppler_bins = Pulses }, device: "gpu")
            .Node("sink", "count")
            .Edge("scene", "compress")
            .Edge("compress", "doppler")
            .Edge("doppler", "magnitude")
            .Edge("magnitude", "cfar")
            .Edge("cfar", "sink")
            .Build();

    /// <summary>The pulses of <paramref name="cpis"/> CPIs as the scene node emits them, interleaved re, im, pulse after pulse.</summary>
    public static float[] Generate(long cpis)
    {
        var scene = new RadarSceneOperator
        {
            Samples = ChirpSamples,
            Bandwidth = Bandwidth,
            Gates = Gates,
            Pulses = Pulses,
            Cpis = cpis,
            Targets = Targets,
            Noise = Noise,
            Seed = Seed,
            NodeId = "scene",
            BatchSize = Pulses,
        };
        var pulses = new float[2 * cpis * SamplesPerCpi];
        var output = new OutputBuffer(Pulses);
        var written = 0;
        bool more;
        do
        {
            more = scene.ProduceAsync(output, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (!more) output.Flush();
            while (output.HasReady)
            {
                var batch = output.TakeReady();
                batch.Float32s.CopyTo(pulses.AsSpan(written));
                written += batch.Float32s.Length;
                batch.Release();
            }
        }
        while (more);
        return pulses;
    }
}
