namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// The fields of one Mode S frame whose parity has been checked (<see cref="AdsbFrameFilter"/>), decoded as dump1090
/// (mutability 1.15, the Debian package) decodes them. Bit numbers below count from 1 at the frame's first bit; ME n
/// is bit n of an extended squitter's 56-bit ME field (frame bit n + 32).
/// </summary>
/// <remarks>
/// - DF 0/4/16/20: AC13 (bits 20–32) → barometric altitude. DF 5/21: ID13 (bits 20–32) → squawk.
/// - DF 11/17: capability CA (bits 6–8), DF 4/5/20/21: flight status FS (bits 6–8), DF 0/16: vertical status VS
///   (bit 6) → on the ground or not.
/// - DF 20/21 whose MB field starts with 0x20 (BDS 2,0): identification, kept only when every character is A–Z,
///   0–9 or space (the register number is a guess, so the content is checked).
/// - DF 17, and DF 18 with control field 0 (ADS-B from a non-transponder device), by ES type code: 1–4
///   identification and category; 0 and 9–18 barometric altitude (ME 9–20); 9–18 and 20–22 an airborne CPR position;
///   5–8 on the ground; 19 subtypes 1–2 ground speed and track, 1–4 vertical rate; 23 subtype 7 and 28 subtype 1
///   squawk. Other DF 18 control fields (TIS-B, ADS-R, non-ICAO addresses) are not decoded.
/// </remarks>
public static class ModeSMessageDecoder
{
    private const int Me = 32;

    /// <summary>Decodes <paramref name="frame"/> (7 or 14 bytes), whose checked address is <paramref name="address"/>.</summary>
    public static ModeSMessage Decode(ReadOnlySpan<byte> frame, int address, MessageSource source)
    {
        var df = ModeSFormat.DownlinkFormat(frame[0]);
        var m = new ModeSMessage { Address = address, DownlinkFormat = df, Source = source, TypeCode = -1 };
        switch (df)
        {
            case 0 or 16:
                m.Altitude = ModeSAltitude.FromAc13(ModeSBits.Get(frame, 20, 32));
                m.AirGround = ModeSBits.Bit(frame, 6) ? AirGround.Ground : AirGround.Uncertain;
                break;
            case 4 or 20:
                m.Altitude = ModeSAltitude.FromAc13(ModeSBits.Get(frame, 20, 32));
                m.AirGround = FlightStatus(ModeSBits.Get(frame, 6, 8));
                break;
            case 5 or 21:
                var id = ModeSBits.Get(frame, 20, 32);
                if (id != 0) m.Squawk = Gillham.Squawk(id);
                m.AirGround = FlightStatus(ModeSBits.Get(frame, 6, 8));
                break;
            case 11:
                m.AirGround = Capability(ModeSBits.Get(frame, 6, 8));
                break;
            case 17:
                m.AirGround = Capability(ModeSBits.Get(frame, 6, 8));
                DecodeSquitter(frame, ref m);
                break;
            case 18:
                if (ModeSBits.Get(frame, 6, 8) == 0) DecodeSquitter(frame, ref m);
                break;
        }
        if (df is 20 or 21 && ModeSBits.Get(frame, 33, 40) == 0x20)
        {
            var callsign = Characters(frame, 41);
            if (IsPlainText(callsign)) m.Callsign = callsign;
        }
        return m;
    }

    private static void DecodeSquitter(ReadOnlySpan<byte> frame, ref ModeSMessage m)
    {
        var tc = m.TypeCode = ModeSBits.Get(frame, Me + 1, Me + 5);
        var subtype = ModeSBits.Get(frame, Me + 6, Me + 8);
        switch (tc)
        {
            case >= 1 and <= 4:
                var callsign = Characters(frame, Me + 9);
                // Some transponders intermittently send an all-zero identification.
                if (callsign != "@@@@@@@@") m.Callsign = callsign;
                m.Category = (14 - tc) << 4 | subtype;
                break;
            case >= 5 and <= 8:
                m.AirGround = AirGround.Ground;
                break;
            case 0 or (>= 9 and <= 18) or (>= 20 and <= 22):
                AirbornePosition(frame, tc, ref m);
                break;
            case 19:
                Velocity(frame, subtype, ref m);
                break;
            case 23 when subtype == 7:
                var test = ModeSBits.Get(frame, Me + 9, Me + 21);
                if (test != 0) m.Squawk = Gillham.Squawk(test);
                break;
            case 28 when subtype == 1:
                var emergency = ModeSBits.Get(frame, Me + 12, Me + 24);
                if (emergency != 0) m.Squawk = Gillham.Squawk(emergency);
                break;
        }
    }

    private static void AirbornePosition(ReadOnlySpan<byte> frame, int tc, ref ModeSMessage m)
    {
        var ac12 = ModeSBits.Get(frame, Me + 9, Me + 20);
        // Type codes 20–22 carry GNSS height, not the barometric altitude the table shows.
        if (tc <= 18) m.Altitude = ModeSAltitude.FromAc12(ac12);
        if (tc == 0) return;
        var lat = ModeSBits.Get(frame, Me + 23, Me + 39);
        var lon = ModeSBits.Get(frame, Me + 40, Me + 56);
        // A failure some transponders show (dump1090 filters it the same way): type 15, no altitude, zero longitude
        // and zeros in the low latitude bits, alternating with good type 14 reports.
        if (ac12 == 0 && lon == 0 && (lat & 0x0FFF) == 0 && tc == 15) return;
        m.HasCpr = true;
        m.CprOdd = ModeSBits.Bit(frame, Me + 22);
        m.CprLat = lat;
        m.CprLon = lon;
        m.Nuc = tc is 18 or 22 ? 0 : tc < 18 ? 18 - tc : 29 - tc;
    }

    private static void Velocity(ReadOnlySpan<byte> frame, int subtype, ref ModeSMessage m)
    {
        if (subtype is < 1 or > 4) return;
        var rate = ModeSBits.Get(frame, Me + 38, Me + 46);
        if (rate != 0) m.VerticalRate = (rate - 1) * (ModeSBits.Bit(frame, Me + 37) ? -64 : 64);
        if (subtype > 2) return;
        var ewRaw = ModeSBits.Get(frame, Me + 15, Me + 24);
        var nsRaw = ModeSBits.Get(frame, Me + 26, Me + 35);
        // 0 means "no information" for each component.
        if (ewRaw == 0 || nsRaw == 0) return;
        // Subtype 2 (supersonic) counts 4 kt per step.
        var unit = subtype == 2 ? 4 : 1;
        var east = (ewRaw - 1) * unit * (ModeSBits.Bit(frame, Me + 14) ? -1 : 1);
        var north = (nsRaw - 1) * unit * (ModeSBits.Bit(frame, Me + 25) ? -1 : 1);
        m.GroundSpeed = Math.Sqrt((double)east * east + (double)north * north);
        if (m.GroundSpeed > 0)
        {
            var track = Math.Atan2(east, north) * 180 / Math.PI;
            m.Track = track < 0 ? track + 360 : track;
        }
    }

    private static AirGround Capability(int ca) => ca switch
    {
        0 or 6 or 7 => AirGround.Uncertain,
        4 => AirGround.Ground,
        5 => AirGround.Airborne,
        _ => AirGround.None,
    };

    private static AirGround FlightStatus(int fs) => fs switch
    {
        1 or 3 => AirGround.Ground,
        0 or 2 or 4 or 5 => AirGround.Uncertain,
        _ => AirGround.None,
    };

    /// <summary>8 characters of 6 bits from bit <paramref name="first"/>: the ICAO subset of IA-5, 0–31 as '@', 'A'–'Z', '[' … and 32–63 as ASCII.</summary>
    private static string Characters(ReadOnlySpan<byte> frame, int first)
    {
        Span<char> chars = stackalloc char[8];
        for (var i = 0; i < 8; i++)
        {
            var c = ModeSBits.Get(frame, first + 6 * i, first + 6 * i + 5);
            chars[i] = (char)(c < 32 ? '@' + c : c);
        }
        return new string(chars);
    }

    private static bool IsPlainText(string s)
    {
        foreach (var ch in s)
        {
            if (!(ch is >= 'A' and <= 'Z' or >= '0' and <= '9' or ' ')) return false;
        }
        return true;
    }
}
