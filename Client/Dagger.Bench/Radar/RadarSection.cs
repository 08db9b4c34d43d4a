using System.Globalization;
using Dagger.Orleans.Bench.Hpec;
using Dagger.Orleans.Client;
using Dagger.Orleans.Gpu;

namespace Dagger.Orleans.Bench.Radar;

/// <summary>
/// examples/radar.json's pipeline end to end, in samples per second against the real-time rate of its scene
/// (<see cref="RadarScene.RealTimeSamplesPerSecond"/>): once as a DAG in an embedded silo (kernel nodes on the process's
/// ILGPU accelerator), once as the same kernels called directly in a loop. Ratio = × real time.
/// </summary>
public sealed class RadarSection : IBenchSection
{
    public string Name => "radar";

    public string Title => "Radar pipeline (examples/radar.json) against real time";

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var seconds = context.Quick ? 0.25 : 3;
        var gpu = ProcessAccelerator.Kernels;
        var rows = new List<BenchRow>();
        var realTime = $"real time ({RadarScene.RealTimeSamplesPerSecond / 1e6:G3} MHz receiver)";
        var shape = $"{RadarScene.Pulses} pulses × {RadarScene.Gates} gates per CPI";

        var cpisPerSecond = Direct(gpu, TimeSpan.FromSeconds(seconds), context, cancellationToken);
        rows.Add(new BenchRow("radar", $"kernels called directly: pulse_compress → doppler → magnitude → cfar ({shape})", "samples/s",
            cpisPerSecond * RadarScene.SamplesPerCpi, realTime, RadarScene.RealTimeSamplesPerSecond,
            Note: $"ILGPU {gpu.Kind} accelerator; one CPI per call, pulses generated beforehand"));

        await using var client = await DaggerClient.StartEmbeddedAsync(cancellation: cancellationToken);
        var many = (long)Math.Max(16, Math.Ceiling(seconds * cpisPerSecond));
        var few = Math.Max(4, many / 4);
        var dagCpisPerSecond = await DagTiming.RepetitionsPerSecondAsync(client, RadarScene.Pipeline, few, many,
            (status, cpis) => DagTiming.Count(status, "sink") is var detections && detections == RadarScene.TargetCount * cpis
                ? null
                : $"cfar reported {detections} detections, expected {RadarScene.TargetCount * cpis} (one per target per CPI)",
            cancellationToken);
        var dag = new BenchRow("radar", $"DAG: radar_scene → pulse_compress → doppler → magnitude → cfar → count ({shape})", "samples/s",
            dagCpisPerSecond * RadarScene.SamplesPerCpi, realTime, RadarScene.RealTimeSamplesPerSecond,
            Note: string.Create(CultureInfo.InvariantCulture, $"ILGPU {gpu.Kind} accelerator (device gpu nodes); scene generated live; batch {RadarScene.Pulses} (one CPI); {few}/{many} CPIs"));
        rows.Insert(0, dag);

        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"radar: DAG {dag.Value / 1e6:F2} M samples/s, kernels directly {rows[1].Value / 1e6:F2} M samples/s, real time {RadarScene.RealTimeSamplesPerSecond / 1e6:F2} M samples/s"));
        context.Notes.Add("The scene has no clock (its frequencies are per sample); the benchmark reads it as a 5 MHz complex-baseband receiver: " +
            "the chirp sweeps 5 MHz, 512 gates make a 102.4 µs pulse repetition interval (PRF 9.77 kHz). Real time = 5 M samples/s; the ratio is × real time. " +
            "The DAG's rate is the difference between a run over few and one over many CPIs (start-up left out); every run is checked to report one detection per target per CPI.");
        return rows;
    }

    /// <summary>CPIs per second through the kernels called directly, cycling over a few CPIs generated once.</summary>
    private static double Direct(SharedAccelerator gpu, TimeSpan atLeast, BenchContext context, CancellationToken cancellationToken)
    {
        const int cpis = 8;
        var pulses = RadarScene.Generate(cpis);
        var floatsPerCpi = (int)(2 * RadarScene.SamplesPerCpi);
        using var chain = new RadarChain(gpu);
        var next = 0;
        var wrong = 0;
        var rate = DagTiming.CallsPerSecond(() =>
        {
            if (chain.Process(pulses.AsSpan(next * floatsPerCpi, floatsPerCpi)) != RadarScene.TargetCount) wrong++;
            next = (next + 1) % cpis;
        }, atLeast, cancellationToken);
        if (wrong > 0) context.Failures.Add($"radar: the kernels called directly missed or added detections in {wrong} CPIs");
        return rate;
    }
}
