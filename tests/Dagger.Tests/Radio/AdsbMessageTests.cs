using Dagger.Orleans.Operators.Radio;
using Xunit;

namespace Dagger.Orleans.Tests.Radio;

/// <summary>
/// The worked examples of the public ADS-B descriptions ("The 1090 MHz Riddle", J. Sun; the test vectors of
/// pyModeS), decoded by <see cref="ModeSMessageDecoder"/>, <see cref="Cpr"/> and <see cref="Gillham"/>.
/// </summary>
public sealed class AdsbMessageTests
{
    private const string Even = "8D40621D58C382D690C8AC2863A7";
    private const string Odd = "8D40621D58C386435CC412692AD6";
    private const string Identification = "8D4840D6202CC371C32CE0576098";
    private const string Velocity = "8D485020994409940838175B284F";

    private static ModeSMessage Decode(string hex, int address = 0) =>
        ModeSMessageDecoder.Decode(Convert.FromHexString(hex), address, MessageSource.Adsb);

    [Fact]
    public void The_identification_example_is_KLM1023_of_category_A0()
    {
        var m = Decode(Identification);

        Assert.Equal(4, m.TypeCode);
        Assert.Equal("KLM1023 ", m.Callsign);
        Assert.Equal(0xA0, m.Category);
        Assert.Null(m.Altitude);
        Assert.False(m.HasCpr);
    }

    [Fact]
    public void The_velocity_example_is_159_kt_on_track_182_88_descending_832_ft_per_minute()
    {
        var m = Decode(Velocity);

        Assert.Equal(19, m.TypeCode);
        Assert.Equal(159.20, m.GroundSpeed!.Value, 2);
        Assert.Equal(182.88, m.Track!.Value, 2);
        Assert.Equal(-832, m.VerticalRate);
    }

    [Fact]
    public void The_position_examples_carry_38000_ft_and_the_cpr_fractions_of_an_even_and_an_odd_frame()
    {
        var even = Decode(Even);
        var odd = Decode(Odd);

        Assert.Equal((11, 38000, false, 93000, 51372), (even.TypeCode, even.Altitude!.Value, even.CprOdd, even.CprLat, even.CprLon));
        Assert.Equal((11, 38000, true, 74158, 50194), (odd.TypeCode, odd.Altitude!.Value, odd.CprOdd, odd.CprLat, odd.CprLon));
        Assert.Equal(7, even.Nuc);
    }

    [Fact]
    public void Global_decoding_of_the_even_odd_pair_gives_52_2572_north_3_91937_east()
    {
        var (even, odd) = (Decode(Even), Decode(Odd));

        var fix = Cpr.Global(even.CprLat, even.CprLon, odd.CprLat, odd.CprLon, oddIsNewer: false, out _);

        Assert.NotNull(fix);
        Assert.Equal(52.25720, fix.Value.Lat, 5);
        Assert.Equal(3.91937, fix.Value.Lon, 5);
        Assert.Equal(36, Cpr.LongitudeZones(fix.Value.Lat));
    }

    [Fact]
    public void Global_decoding_with_the_odd_frame_newer_gives_the_odd_frames_own_position_close_by()
    {
        var (even, odd) = (Decode(Even), Decode(Odd));

        var fix = Cpr.Global(even.CprLat, even.CprLon, odd.CprLat, odd.CprLon, oddIsNewer: true, out _)!.Value;

        // The two reports are a few hundred metres apart, each in its own zone grid.
        Assert.Equal(52.2658, fix.Lat, 4);
        Assert.InRange(Cpr.Distance(52.2572, 3.91937, fix.Lat, fix.Lon), 100, 2000);
    }

    [Fact]
    public void Local_decoding_of_the_even_frame_against_a_nearby_reference_gives_the_global_position()
    {
        var even = Decode(Even);

        var fix = Cpr.Local(even.CprLat, even.CprLon, odd: false, refLat: 52.258, refLon: 3.918);

        Assert.NotNull(fix);
        Assert.Equal(52.25720, fix.Value.Lat, 5);
        Assert.Equal(3.91937, fix.Value.Lon, 5);
    }

    [Fact]
    public void Local_decoding_against_a_reference_more_than_half_a_zone_away_lands_a_whole_zone_off()
    {
        var even = Decode(Even);

        // An even latitude zone is 6 degrees: a reference 4 degrees north resolves to the next zone north. This is
        // why a track decodes locally only against its own recent position, and keeps the result only within 50 km.
        var fix = Cpr.Local(even.CprLat, even.CprLon, odd: false, refLat: 56.3, refLon: 3.918);

        Assert.Equal(52.25720 + 6, fix!.Value.Lat, 5);
    }

    [Fact]
    public void A_pair_from_two_latitude_zones_is_ambiguous_and_an_impossible_pair_is_invalid()
    {
        // 10.460 and 10.480 degrees: either side of the NL boundary at 10.4705 (59 and 58 longitude zones).
        Assert.Null(Cpr.Global(97430, 0, 94054, 0, false, out var failure));
        Assert.Equal(Cpr.Failure.Ambiguous, failure);
        Assert.Null(Cpr.Global(65536, 0, 0, 0, false, out failure));
        Assert.Equal(Cpr.Failure.Invalid, failure);
    }

    [Theory]
    [InlineData(0.0, 59)]
    [InlineData(10.47, 59)]
    [InlineData(10.48, 58)]
    [InlineData(-52.2572, 36)]
    [InlineData(86.53, 3)]
    [InlineData(87.0, 2)]
    [InlineData(88.0, 1)]
    public void The_number_of_longitude_zones_follows_the_NL_table(double lat, int zones)
    {
        Assert.Equal(zones, Cpr.LongitudeZones(lat));
    }

    // pyModeS's gray2alt cases: 11 bits in the order D2 D4 A1 A2 A4 B1 B2 B4 C1 C2 C4.
    [Theory]
    [InlineData("00000000010", -1000)]
    [InlineData("00000001010", -500)]
    [InlineData("00000011011", -100)]
    [InlineData("00000011010", 0)]
    [InlineData("00000011110", 100)]
    [InlineData("00000010011", 600)]
    [InlineData("00000110010", 1000)]
    [InlineData("00001001001", 5800)]
    [InlineData("00011100100", 10300)]
    [InlineData("01100011010", 32000)]
    [InlineData("01110000100", 46300)]
    [InlineData("01010101100", 50200)]
    [InlineData("11011110100", 73200)]
    [InlineData("10000000011", 126600)]
    [InlineData("10000000001", 126700)]
    public void A_gillham_code_decodes_to_its_altitude(string pulses, int feet)
    {
        var field = Field(pulses, [0x004, 0x001, 0x800, 0x200, 0x080, 0x020, 0x008, 0x002, 0x1000, 0x400, 0x100]);

        Assert.Equal(feet, Gillham.Altitude(field));
        // As an AC13 field (M = 0, Q = 0) it is the same altitude; in the ES 12-bit field the M bit is left out.
        Assert.Equal(feet, ModeSAltitude.FromAc13(field));
        Assert.Equal(feet, ModeSAltitude.FromAc12(((field & 0x1F80) >> 1) | (field & 0x3F)));
    }

    [Fact]
    public void Codes_that_are_no_altitude_give_none()
    {
        var zeroFeet = Field("00000011010", [0x004, 0x001, 0x800, 0x200, 0x080, 0x020, 0x008, 0x002, 0x1000, 0x400, 0x100]);

        Assert.Null(Gillham.Altitude(zeroFeet | 0x010));      // D1 set
        Assert.Null(Gillham.Altitude(zeroFeet & ~0x1500));    // no C pulse
        Assert.Null(Gillham.Altitude(0x1000 | 0x100));       // C1 C4: Gray 101 = 6, no 100 ft step
        Assert.Null(ModeSAltitude.FromAc13(zeroFeet | 0x040)); // metres (M bit): not decoded
        Assert.Null(ModeSAltitude.FromAc13(0));
    }

    [Fact]
    public void The_q_bit_altitude_of_a_DF20_reply_is_32300_ft()
    {
        var m = ModeSMessageDecoder.Decode(Convert.FromHexString("A02014B400000000000000F9D514"), 0x4B1234, MessageSource.ModeS);

        Assert.Equal(20, m.DownlinkFormat);
        Assert.Equal(32300, m.Altitude);
    }

    [Fact]
    public void The_identity_of_a_DF21_reply_is_squawk_1346()
    {
        var m = ModeSMessageDecoder.Decode(Convert.FromHexString("A800292DFFBBA9383FFCEB903D01"), 0x4B1234, MessageSource.ModeS);

        Assert.Equal(21, m.DownlinkFormat);
        Assert.Equal(1346, m.Squawk);
    }

    [Theory]
    [InlineData(7700)]
    [InlineData(1200)]
    [InlineData(7)]
    [InlineData(4321)]
    public void A_squawk_is_read_from_its_interleaved_pulses(int squawk)
    {
        var (a, b, c, d) = (squawk / 1000, squawk / 100 % 10, squawk / 10 % 10, squawk % 10);
        int Pulses(int digit, int x4, int x2, int x1) => ((digit & 4) != 0 ? x4 : 0) | ((digit & 2) != 0 ? x2 : 0) | ((digit & 1) != 0 ? x1 : 0);
        var field = Pulses(a, 0x080, 0x200, 0x800) | Pulses(b, 0x002, 0x008, 0x020) | Pulses(c, 0x100, 0x400, 0x1000) | Pulses(d, 0x001, 0x004, 0x010);

        Assert.Equal(squawk, Gillham.Squawk(field));
    }

    [Fact]
    public void A_comm_b_identification_reply_gives_the_callsign_and_other_comm_b_content_gives_none()
    {
        var bds20 = ModeSMessageDecoder.Decode(Convert.FromHexString("A000083E202CC371C31DE0AA1CCF"), 0x4B1234, MessageSource.ModeS);
        var bds40 = ModeSMessageDecoder.Decode(Convert.FromHexString("A0001839CA3800315800007448D9"), 0x400940, MessageSource.ModeS);

        Assert.Equal("KLM1017 ", bds20.Callsign);
        Assert.Null(bds40.Callsign);
    }

    [Fact]
    public void Capability_and_flight_status_say_whether_the_aircraft_is_on_the_ground()
    {
        Assert.Equal(AirGround.Airborne, Decode(Identification).AirGround); // DF 17, CA 5
        Assert.Equal(AirGround.Uncertain, ModeSMessageDecoder.Decode(Convert.FromHexString("20000F1F684A6C"), 0x4D2023, MessageSource.ModeS).AirGround); // DF 4, FS 0
    }

    private static int Field(string pulses, int[] masks)
    {
        var field = 0;
        for (var i = 0; i < pulses.Length; i++)
        {
            if (pulses[i] == '1') field |= masks[i];
        }
        return field;
    }
}
