using Dagger.Orleans.Operators.Radio;
using Xunit;

namespace Dagger.Orleans.Tests.Radio;

public sealed class ModeSFrameSetTests
{
    private const string Df17 = "8F4D2023587F345E35837E2218B2";
    private const string Df11 = "5D4D20237A55A6";
    private const string Df4 = "20000F1F684A6C";

    [Fact]
    public void The_same_frame_from_two_overlapping_chunks_is_reported_once()
    {
        var set = new ModeSFrameSet();
        set.Add(794, Df17, 0);
        set.Add(794, Df17.ToLowerInvariant(), 0);

        var frame = Assert.Single(set.Resolve());
        Assert.Equal(new ReportedFrame(794, Df17, 17, 0x4D2023, ParityCheck.Crc, 0), frame);
    }

    [Fact]
    public void Two_different_frames_at_one_offset_are_an_error_naming_the_offset_and_both_frames()
    {
        var set = new ModeSFrameSet();
        set.Add(794, Df17, 0);

        var e = Assert.Throws<InvalidOperationException>(() => set.Add(794, Df11, 0));
        Assert.Contains("794", e.Message);
        Assert.Contains(Df17, e.Message);
        Assert.Contains(Df11, e.Message);
    }

    [Theory]
    [InlineData("8D4D2023")]
    [InlineData("8D4D2023587F345E35837E2218BX")]
    [InlineData("")]
    public void A_label_that_is_not_a_frame_in_hex_is_an_error(string label)
    {
        var e = Assert.Throws<FormatException>(() => new ModeSFrameSet().Add(5, label, 0));
        Assert.Contains("sample offset 5", e.Message);
    }

    [Fact]
    public void An_address_parity_reply_is_reported_only_when_its_address_is_seen_in_clear()
    {
        var alone = new ModeSFrameSet();
        alone.Add(11_523, Df4, 0);
        Assert.Empty(alone.Resolve());

        var withSquitter = new ModeSFrameSet();
        withSquitter.Add(11_523, Df4, 0);
        // Seen later in the capture still counts: the answer must not depend on how the capture was split.
        withSquitter.Add(20_000, Df17, 0);
        Assert.Equal(
            [new ReportedFrame(11_523, Df4, 4, 0x4D2023, ParityCheck.Address, 0), new ReportedFrame(20_000, Df17, 17, 0x4D2023, ParityCheck.Crc, 0)],
            withSquitter.Resolve());
    }

    [Fact]
    public void A_repaired_frame_does_not_vouch_for_an_address()
    {
        var set = new ModeSFrameSet();
        set.Add(100, Df17, 1);
        set.Add(1_000, Df4, 0);

        Assert.Equal([100], set.Resolve().Select(f => f.Offset));
    }

    [Fact]
    public void A_DF11_whose_syndrome_is_an_interrogator_code_needs_its_address_known()
    {
        var bytes = Convert.FromHexString(Df11);
        bytes[6] ^= 0x3C;
        var coded = Convert.ToHexString(bytes);

        var alone = new ModeSFrameSet();
        alone.Add(500, coded, 0);
        Assert.Empty(alone.Resolve());

        var known = new ModeSFrameSet();
        known.Add(500, coded, 0);
        known.Add(2_000, Df11, 0);
        Assert.Equal(ParityCheck.InterrogatorCode, known.Resolve()[0].Check);
    }

    [Fact]
    public void A_frame_starting_inside_a_reported_frame_is_the_same_reply_seen_later_and_is_dropped()
    {
        var set = new ModeSFrameSet();
        set.Add(1_000, Df17, 0);
        set.Add(1_001, Df17, 0);
        // 16 preamble samples + 224 data samples later the next frame may start.
        set.Add(1_240, Df11, 0);

        Assert.Equal([1_000, 1_240], set.Resolve().Select(f => f.Offset));
    }

    [Fact]
    public void A_self_checking_format_with_a_bad_crc_is_not_reported()
    {
        var bytes = Convert.FromHexString(Df17);
        bytes[13] ^= 1;
        var set = new ModeSFrameSet();
        set.Add(10, Convert.ToHexString(bytes), 0);

        Assert.Empty(set.Resolve());
    }
}
