using System.Text.Json;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Cluster;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>
/// A synthetic pulse-Doppler scene (chirp echoes from planted targets in noise) through the whole chain —
/// radar_scene → pulse_compress → doppler → magnitude → cfar — must detect exactly the planted range/Doppler cells.
/// </summary>
[Collection(TwoSiloClusterCollection.Name)]
public sealed class RadarSceneTests(TwoSiloCluster cluster)
{
    private const int Samples = 64, Gates = 256, Pulses = 16, Cpis = 2;
    private const string Targets = "40:3:1;150:12:0.5;180:0:1";
    private static readonly (int Range, int Doppler)[] Planted = [(40, 3), (150, 12), (180, 0)];

    private static object SceneArgs => new { samples = Samples, gates = Gates, pulses = Pulses, cpis = Cpis, bandwidth = 1.0, targets = Targets, noise = 0.5, seed = 7 };

    private static readonly object CfarArgs = new { guard = 4, reference = 5, mu = 100, doppler_bins = Pulses };

    /// <summary>Planted targets as cfar keys (range·P + doppler), CPI by CPI, in the order cfar finds them (by Doppler bin, then range).</summary>
    private static List<(long Key, string Label)> Expected()
    {
        var expected = new List<(long, string)>();
        for (var cpi = 0; cpi < Cpis; cpi++)
        {
            foreach (var (range, doppler) in Planted.OrderBy(t => t.Doppler).ThenBy(t => t.Range))
                expected.Add(((long)range * Pulses + doppler, $"cpi={cpi},r={range},d={doppler}"));
        }
        return expected;
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void The_chain_run_in_process_detects_exactly_the_planted_targets(string device)
    {
        static string Json(object o) => JsonSerializer.Serialize(o);
        var scene = OperatorHarness.Create<SourceOperator>("radar_scene", Json(SceneArgs));
        var compress = OperatorHarness.Create<TransformOperator>("pulse_compress", Json(new { samples = Samples, bandwidth = 1.0 }), device);
        var doppler = OperatorHarness.Create<TransformOperator>("doppler", Json(new { pulses = Pulses }), device);
        var magnitude = OperatorHarness.Create<TransformOperator>("magnitude", "{}", device);
        var cfar = OperatorHarness.Create<TransformOperator>("cfar", Json(CfarArgs), device);

        var detections = OperatorHarness.Transform(cfar, OperatorHarness.Transform(magnitude, OperatorHarness.Transform(doppler,
            OperatorHarness.Transform(compress, OperatorHarness.Drain(scene)))));

        var found = detections.SelectMany(b => b.RecordSpan.ToArray()).Select(r => (r.Key, r.Label!)).ToList();
        Assert.Equal(Expected(), found);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("any")]
    public async Task The_chain_run_as_a_dag_on_two_silos_detects_exactly_the_planted_targets(string heavy)
    {
        var status = await cluster.RunAsync(new DagBuilder("radar").Defaults(batch: 8)
            .Node("scene", "radar_scene", SceneArgs)
            .Node("compress", "pulse_compress", new { samples = Samples, bandwidth = 1.0 }, device: heavy)
            .Node("doppler", "doppler", new { pulses = Pulses }, device: heavy)
            .Node("magnitude", "magnitude", device: heavy)
            .Node("cfar", "cfar", CfarArgs, device: heavy)
            .Node("detections", "collect")
            .Edge("scene", "compress").Edge("compress", "doppler").Edge("doppler", "magnitude").Edge("magnitude", "cfar").Edge("cfar", "detections"));

        Assert.Equal(DagState.Completed, status.State);
        var found = JsonDocument.Parse(status.Results["detections"]).RootElement.EnumerateArray()
            .Select(r => (r.GetProperty("key").GetInt64(), r.GetProperty("label").GetString()!)).ToList();
        Assert.Equal(Expected(), found);
    }
}
