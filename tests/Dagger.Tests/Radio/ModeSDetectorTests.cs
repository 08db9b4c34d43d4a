using Dagger.Orleans.Operators.Radio;
using Xunit;

namespace Dagger.Orleans.Tests.Radio;

public sealed class ModeSDetectorTests
{
    private const string Df17 = "8D4840D6202CC371C32CE0576098";

    private static List<ModeSFrame> Detect(float[] m, int piece, long firstSample = 0, bool repair = true)
    {
        var detector = new ModeSDetector(firstSample, repair);
        var found = new List<ModeSFrame>();
        for (var at = 0; at < m.Length; at += piece) detector.Push(m.AsSpan(at, Math.Min(piece, m.Length - at)), found);
        return found;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(241)]
    [InlineData(5000)]
    public void A_clean_frame_is_found_at_its_preamble_however_the_stream_is_cut(int piece)
    {
        var m = SyntheticSignal.Of(3000, (1000, Df17), (2000, "5D4D20237A55A6"));

        var found = Detect(m, piece);

        Assert.Contains(new ModeSFrame(1000, Df17, 0), found);
        Assert.Contains(new ModeSFrame(2000, "5D4D20237A55A6", 0), found);
        Assert.Equal([1000, 2000], AdsbCapture.Report(found).Select(f => f.Offset));
    }

    [Fact]
    public void Offsets_count_from_the_first_sample_the_detector_is_told()
    {
        var m = SyntheticSignal.Of(1000, (300, Df17));

        var found = Detect(m, 100, firstSample: 50_000);

        Assert.Contains(new ModeSFrame(50_300, Df17, 0), found);
    }

    [Fact]
    public void A_frame_with_one_wrong_bit_is_repaired_unless_repair_is_off()
    {
        var bad = Convert.FromHexString(Df17);
        bad[6] ^= 0x10;
        var m = SyntheticSignal.Of(1000, (200, Convert.ToHexString(bad)));

        Assert.Contains(new ModeSFrame(200, Df17, 1), Detect(m, 4096));
        Assert.DoesNotContain(Detect(m, 4096, repair: false), f => f.Offset == 200);
    }

    [Fact]
    public void A_frame_is_reported_once_its_last_sample_is_in_and_not_before()
    {
        // A position is examined once the 240 samples from it are in: the frame at 761 ends with sample 1000.
        var m = SyntheticSignal.Of(1001, (761, Df17));

        Assert.DoesNotContain(Detect(m[..1000], 64), f => f.Offset == 761);
        Assert.Contains(new ModeSFrame(761, Df17, 0), Detect(m, 64));
    }

    [Fact]
    public void A_detector_starting_mid_stream_examines_positions_from_the_one_after_its_first_sample()
    {
        // The position at the first sample needs the sample before it, which only the previous chunk has.
        var m = SyntheticSignal.Of(1000, (100, Df17));

        Assert.DoesNotContain(Detect(m.AsSpan(100).ToArray(), 64, firstSample: 100), f => f.Offset == 100);
        Assert.Contains(new ModeSFrame(100, Df17, 0), Detect(m.AsSpan(99).ToArray(), 64, firstSample: 99));
    }
}
