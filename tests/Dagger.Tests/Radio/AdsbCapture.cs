using Dagger.Orleans.Operators.Radio;
using Dagger.Orleans.Tests.TestSupport;

namespace Dagger.Orleans.Tests.Radio;

/// <summary>The real 1090 MHz capture in the shared data folder beside the checkout, and its magnitudes computed as iq_file (cu8) and magnitude do.</summary>
internal static class AdsbCapture
{
    public const int Samples = 356_868;

    private static readonly Lazy<float[]> LazyMagnitudes = new(Read);

    public static string Path => System.IO.Path.GetFullPath(System.IO.Path.Combine(CliRepoRoot.Path, "..", "shared", "data", "adsb", "modes1.bin"));

    public static float[] Magnitudes => LazyMagnitudes.Value;

    /// <summary>What a detector starting at <paramref name="first"/> finds in samples [first, end), pushed <paramref name="piece"/> samples at a time.</summary>
    public static List<ModeSFrame> Detect(int first = 0, int end = Samples, int piece = 4096, bool repair = true)
    {
        var detector = new ModeSDetector(first, repair);
        var found = new List<ModeSFrame>();
        for (var at = first; at < end; at += piece) detector.Push(Magnitudes.AsSpan(at, Math.Min(piece, end - at)), found);
        return found;
    }

    public static List<ReportedFrame> Report(IEnumerable<ModeSFrame> candidates)
    {
        var set = new ModeSFrameSet();
        foreach (var f in candidates) set.Add(f.Offset, f.Hex, f.BitsRepaired);
        return set.Resolve();
    }

    private static float[] Read()
    {
        if (!File.Exists(Path)) throw new FileNotFoundException($"the ADS-B capture is not at {Path} (the shared data folder beside the checkout)", Path);
        var bytes = File.ReadAllBytes(Path);
        var magnitudes = new float[bytes.Length / 2];
        for (var n = 0; n < magnitudes.Length; n++)
        {
            var re = (bytes[2 * n] - 127.5f) / 127.5f;
            var im = (bytes[2 * n + 1] - 127.5f) / 127.5f;
            magnitudes[n] = MathF.Sqrt(re * re + im * im);
        }
        return magnitudes;
    }
}
