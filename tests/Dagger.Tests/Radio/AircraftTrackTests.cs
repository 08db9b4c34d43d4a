using Dagger.Orleans.Operators.Radio;
using Xunit;

namespace Dagger.Orleans.Tests.Radio;

/// <summary><see cref="AircraftTrack"/>: positions from pairs and from a reference, and which source a field believes.</summary>
public sealed class AircraftTrackTests
{
    private const string Even = "8D40621D58C382D690C8AC2863A7";
    private const string Odd = "8D40621D58C386435CC412692AD6";

    private static ModeSMessage Decode(string hex, MessageSource source = MessageSource.Adsb)
    {
        var bytes = Convert.FromHexString(hex);
        var address = ModeSFormat.HasAddressInClear(ModeSFormat.DownlinkFormat(bytes[0])) ? ModeSFormat.AddressInClear(bytes) : ModeSCrc.Syndrome(bytes);
        return ModeSMessageDecoder.Decode(bytes, address, source);
    }

    [Fact]
    public void An_even_frame_alone_gives_no_position_and_the_odd_one_after_it_gives_the_odd_frames_position()
    {
        var track = new AircraftTrack(0x40621D);

        track.Update(Decode(Even), 0);
        Assert.False(track.PositionValid.IsValid);

        track.Update(Decode(Odd), 1);
        Assert.True(track.PositionValid.IsValid);
        var expected = Cpr.Global(93000, 51372, 74158, 50194, oddIsNewer: true, out _)!.Value;
        Assert.Equal((expected.Lat, expected.Lon), (track.Lat, track.Lon));
        Assert.Equal((1L, 0L, 7), (track.GlobalFixes, track.LocalFixes, track.PositionNuc));
        Assert.Equal(38000, track.Altitude);
    }

    [Fact]
    public void A_frame_more_than_10_s_after_the_other_half_of_its_pair_is_decoded_locally_against_the_last_position()
    {
        var track = new AircraftTrack(0x40621D);
        track.Update(Decode(Odd), 0);
        track.Update(Decode(Even), 1);
        var global = (track.Lat, track.Lon);

        track.Update(Decode(Even), 12);

        Assert.Equal((1L, 1L), (track.GlobalFixes, track.LocalFixes));
        var local = Cpr.Local(93000, 51372, odd: false, global.Lat, global.Lon)!.Value;
        Assert.Equal((local.Lat, local.Lon), (track.Lat, track.Lon));
    }

    [Fact]
    public void Without_a_recent_position_a_lone_frame_is_not_decoded()
    {
        var track = new AircraftTrack(0x40621D);
        track.Update(Decode(Odd), 0);
        track.Update(Decode(Even), 1);

        // 60 s on: the pair is too far apart for global decoding, the position too old (50 s) to be a reference.
        track.Update(Decode(Even), 61);

        Assert.Equal((1L, 0L), (track.GlobalFixes, track.LocalFixes));
    }

    [Fact]
    public void A_pair_that_would_move_the_aircraft_faster_than_it_can_fly_is_dropped_with_its_halves()
    {
        var track = new AircraftTrack(0x40621D);
        track.Update(Decode(Odd), 0);
        track.Update(Decode(Even), 1);
        var before = (track.Lat, track.Lon);

        // The same aircraft's even frame with a latitude fraction 2,000 steps off: about 10 km north, 1 s later.
        var far = Decode(Even);
        far.CprLat += 2000;
        track.Update(far, 2);

        Assert.Equal(before, (track.Lat, track.Lon));
        Assert.False(track.EvenValid.IsValid);
        Assert.False(track.OddValid.IsValid);
        Assert.False(track.PositionValid.IsValid);
    }

    [Fact]
    public void A_field_from_ads_b_is_not_overwritten_by_a_mode_s_reply_until_it_is_60_s_old()
    {
        var track = new AircraftTrack(0x40621D);
        track.Update(Decode(Even), 0);

        var reply = new ModeSMessage { Address = 0x40621D, DownlinkFormat = 4, Source = MessageSource.ModeS, TypeCode = -1, Altitude = 37000 };
        track.Update(reply, 30);
        Assert.Equal(38000, track.Altitude);

        track.Update(reply, 61);
        Assert.Equal(37000, track.Altitude);
        Assert.Equal(MessageSource.ModeS, track.AltitudeValid.Source);
    }

    [Fact]
    public void A_field_not_heard_of_for_70_s_expires()
    {
        var track = new AircraftTrack(0x40621D);
        track.Update(Decode("8D4840D6202CC371C32CE0576098"), 0);
        Assert.True(track.CallsignValid.IsValid);

        track.Update(new ModeSMessage { Address = 0x40621D, DownlinkFormat = 11, Source = MessageSource.ModeSChecked, TypeCode = -1 }, 70);

        Assert.False(track.CallsignValid.IsValid);
        Assert.Equal(2, track.Messages);
    }
}
