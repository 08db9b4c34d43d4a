using Dagger.Orleans.Operators.Radio;
using Xunit;

namespace Dagger.Orleans.Tests.Radio;

/// <summary>The decoder on the real capture (/work/shared/data/adsb/modes1.bin), driven straight from the file's bytes.</summary>
public sealed class CaptureDecodingTests
{
    /// <summary>What the whole capture yields (dump1090 decodes only its first 262,144 samples: 217 frames, 6 repaired).</summary>
    public const int FramesInCapture = 284;
    public const int RepairedInCapture = 8;

    [Fact]
    public void The_capture_yields_284_frames_of_which_8_were_repaired()
    {
        var frames = AdsbCapture.Report(AdsbCapture.Detect());

        Assert.Equal(FramesInCapture, frames.Count);
        Assert.Equal(RepairedInCapture, frames.Count(f => f.BitsRepaired == 1));
        Assert.Equal(
            new Dictionary<int, int> { [0] = 10, [4] = 4, [5] = 9, [11] = 83, [17] = 159, [20] = 13, [21] = 6 },
            frames.GroupBy(f => f.DownlinkFormat).ToDictionary(g => g.Key, g => g.Count()));
        Assert.True(frames.Count(f => f.BitsRepaired == 0) >= 211, "at least dump1090's 211 frames with a good CRC");
    }

    [Fact]
    public void Every_reported_frame_checks_against_its_crc_or_an_address_seen_in_clear()
    {
        var frames = AdsbCapture.Report(AdsbCapture.Detect());
        var inClear = frames.Where(f => f.Check == ParityCheck.Crc && f.BitsRepaired == 0)
            .Select(f => ModeSFormat.AddressInClear(Convert.FromHexString(f.Hex))).ToHashSet();

        Assert.All(frames, f =>
        {
            var bytes = Convert.FromHexString(f.Hex);
            var syndrome = ModeSCrc.Syndrome(bytes);
            Assert.Equal(ModeSFormat.Bits(f.DownlinkFormat), bytes.Length * 8);
            switch (f.DownlinkFormat)
            {
                case 17 or 18:
                    Assert.Equal(0, syndrome);
                    break;
                case 11:
                    Assert.True(syndrome == 0 || (syndrome < 80 && inClear.Contains(ModeSFormat.AddressInClear(bytes))), $"DF11 at {f.Offset}: syndrome {syndrome:X6}");
                    break;
                default:
                    Assert.Contains(syndrome, inClear);
                    Assert.Equal(syndrome, f.Address);
                    break;
            }
        });
        Assert.Equal(frames.OrderBy(f => f.Offset).Select(f => f.Offset), frames.Select(f => f.Offset));
    }

    [Fact]
    public void Over_the_samples_dump1090_decodes_it_finds_exactly_dump1090s_217_frames()
    {
        var frames = AdsbCapture.Report(AdsbCapture.Detect())
            .Where(f => f.Offset < Dump1090Reference.SamplesDecoded)
            .Select(f => $"{f.Offset} {f.Hex} {f.BitsRepaired}");

        Assert.Equal(Dump1090Reference.Frames, frames);
        Assert.Equal(211, Dump1090Reference.Frames.Count(f => f.EndsWith(" 0", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(AdsbCapture.Samples)]
    public void Pieces_of_any_size_give_the_same_frames(int piece)
    {
        Assert.Equal(AdsbCapture.Detect(), AdsbCapture.Detect(piece: piece));
    }

    [Theory]
    [InlineData(2, AdsbDags.MinimumOverlap)]
    [InlineData(4, AdsbDags.DefaultOverlap)]
    [InlineData(9, AdsbDags.MinimumOverlap)]
    public void Overlapping_chunks_decoded_apart_give_exactly_the_frames_of_one_pass(int chunks, int overlap)
    {
        var size = (AdsbCapture.Samples + chunks - 1) / chunks;
        var candidates = new List<ModeSFrame>();
        for (var k = 0; k < chunks; k++)
        {
            var first = Math.Max(0, k * size - overlap);
            candidates.AddRange(AdsbCapture.Detect(first, Math.Min(AdsbCapture.Samples, (k + 1) * size)));
        }

        // ModeSFrameSet also throws if two chunks decoded a shared position differently.
        Assert.Equal(AdsbCapture.Report(AdsbCapture.Detect()), AdsbCapture.Report(candidates));
    }

    [Fact]
    public void Without_repair_no_frame_is_repaired_and_the_others_stay()
    {
        var repaired = AdsbCapture.Report(AdsbCapture.Detect());
        var plain = AdsbCapture.Report(AdsbCapture.Detect(repair: false));

        Assert.DoesNotContain(plain, f => f.BitsRepaired != 0);
        Assert.Subset(plain.ToHashSet(), repaired.Where(f => f.BitsRepaired == 0).ToHashSet());
    }
}
