using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// The ADS-B DAGs of <c>examples/adsb.json</c> and <c>examples/adsb-parallel.json</c>, for any capture: one pass
/// (<c>iq_file → magnitude → modes_detect → frames</c>, with or without <c>→ adsb_decode → aircraft</c> beside it),
/// or the capture cut into overlapping chunks decoded side by side and merged into <c>frames</c>.
/// </summary>
public static class AdsbDags
{
    /// <summary>
    /// The least overlap between neighbouring chunks: a detector examines a position once it has the sample before it
    /// and the 240 from it (preamble and 112 bits), so chunks overlapping by 240 samples together examine every
    /// position one pass does.
    /// </summary>
    public const int MinimumOverlap = ModeSDemodulator.WindowSamples - 1;

    public const int DefaultOverlap = 512;

    /// <summary>iq_file → magnitude → modes_detect → frames (node ids iq, magnitude, detect, frames).</summary>
    public static DagBuilder Sequential(string path, string format = "cu8", int width = 4096, string name = "adsb")
    {
        return new DagBuilder(name)
            .Node("iq", "iq_file", new { path, format, width })
            .Node("magnitude", "magnitude")
            .Node("detect", "modes_detect")
            .Node("frames", "frames")
            .Edge("iq", "magnitude").Edge("magnitude", "detect").Edge("detect", "frames");
    }

    /// <summary>
    /// <c>examples/adsb.json</c>: <see cref="Sequential"/> with the detector's frames also decoded into aircraft,
    /// modes_detect → adsb_decode → aircraft (node ids decode, aircraft).
    /// </summary>
    public static DagBuilder WithAircraft(string path, string format = "cu8", int width = 4096, string name = "adsb")
    {
        return Sequential(path, format, width, name)
            .Node("decode", "adsb_decode")
            .Node("aircraft", "aircraft")
            .Edge("detect", "decode").Edge("decode", "aircraft");
    }

    /// <summary>
    /// <paramref name="chunks"/> chunks of a capture of <paramref name="totalSamples"/> samples, each but the first
    /// starting <paramref name="overlap"/> samples before the previous one ends: iq_file (offset, count) → magnitude →
    /// modes_detect (first_sample = offset) per chunk (ids iq0, magnitude0, detect0, …), all into merge → frames.
    /// </summary>
    public static DagBuilder Parallel(string path, long totalSamples, int chunks, int overlap = DefaultOverlap,
        string format = "cu8", int width = 4096, string name = "adsb-parallel")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(overlap, MinimumOverlap);
        var builder = new DagBuilder(name).Node("merge", "merge").Node("frames", "frames").Edge("merge", "frames");
        var size = (totalSamples + chunks - 1) / chunks;
        if (size <= overlap)
            throw new ArgumentException($"{chunks} chunks of a {totalSamples}-sample capture are {size} samples each, not more than the overlap ({overlap}); use fewer chunks", nameof(chunks));
        for (var k = 0; k < chunks; k++)
        {
            var offset = Math.Max(0, k * size - overlap);
            var end = Math.Min(totalSamples, (k + 1) * size);
            builder.Node($"iq{k}", "iq_file", new { path, format, width, offset, count = end - offset })
                .Node($"magnitude{k}", "magnitude")
                .Node($"detect{k}", "modes_detect", new { first_sample = offset })
                .Edge($"iq{k}", $"magnitude{k}").Edge($"magnitude{k}", $"detect{k}").Edge($"detect{k}", "merge", port: k);
        }
        return builder;
    }
}
