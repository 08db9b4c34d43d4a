namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// What is known of one aircraft (one ICAO address) from its messages, kept as dump1090 keeps it (mutability 1.15,
/// <c>track.c</c>): each field under <see cref="FieldValidity"/>'s source rule, and the position from CPR — global
/// decoding of an even/odd pair at most 10 s apart, else local decoding against the last position (at most 50 s
/// old, result within 50 km), either kept only if the aircraft could have flown there. Time is capture time.
/// </summary>
public sealed class AircraftTrack(int address)
{
    /// <summary>An even and an odd airborne frame further apart than this do not make a pair.</summary>
    public const double PairWindow = 10;

    /// <summary>Local decoding uses a reference position at most this old (s) …</summary>
    public const double LocalReferenceAge = 50;

    /// <summary>… and keeps a result at most this far from it (m).</summary>
    public const double LocalRange = 50e3;

    public int Address { get; } = address;
    public long Messages;

    public FieldValidity CallsignValid, AltitudeValid, SquawkValid, SpeedValid, TrackValid, VerticalRateValid, CategoryValid, AirGroundValid;
    public string? Callsign;
    public int Altitude, Squawk, VerticalRate, Category;
    public double Speed, Track;
    public AirGround AirGround;

    public FieldValidity EvenValid, OddValid, PositionValid;
    public int EvenLat, EvenLon, EvenNuc, OddLat, OddLon, OddNuc;
    public double Lat, Lon;
    public int PositionNuc;

    /// <summary>Positions found by global and by local decoding.</summary>
    public long GlobalFixes, LocalFixes;

    /// <summary>Takes in one message received at capture time <paramref name="now"/> (seconds).</summary>
    public void Update(in ModeSMessage m, double now)
    {
        Expire(now);
        Messages++;
        var s = m.Source;
        if (m.Altitude is { } altitude && AltitudeValid.Accept(s, now)) Altitude = altitude;
        if (m.Squawk is { } squawk && SquawkValid.Accept(s, now)) Squawk = squawk;
        if (m.Track is { } track && TrackValid.Accept(s, now)) Track = track;
        if (m.GroundSpeed is { } speed && SpeedValid.Accept(s, now)) Speed = speed;
        if (m.VerticalRate is { } rate && VerticalRateValid.Accept(s, now)) VerticalRate = rate;
        if (m.Category is { } category && CategoryValid.Accept(s, now)) Category = category;
        if (m.AirGround != AirGround.None && AirGroundValid.Accept(s, now)) AirGround = m.AirGround;
        if (m.Callsign is { } callsign && CallsignValid.Accept(s, now)) Callsign = callsign;
        if (!m.HasCpr || m.CprSurface) return;
        if (m.CprOdd && OddValid.Accept(s, now)) (OddLat, OddLon, OddNuc) = (m.CprLat, m.CprLon, m.Nuc);
        else if (!m.CprOdd && EvenValid.Accept(s, now)) (EvenLat, EvenLon, EvenNuc) = (m.CprLat, m.CprLon, m.Nuc);
        UpdatePosition(m, now);
    }

    /// <summary>On the ground by a CRC-checked message (DF 11/17/18): dump1090 then shows "ground" for the altitude.</summary>
    public bool OnGround => AirGroundValid.IsValid && AirGroundValid.Source >= MessageSource.ModeSChecked && AirGround == AirGround.Ground;

    private void UpdatePosition(in ModeSMessage m, double now)
    {
        var tryLocal = true;
        if (EvenValid.IsValid && OddValid.IsValid && EvenValid.Source == OddValid.Source && Math.Abs(OddValid.Updated - EvenValid.Updated) <= PairWindow)
        {
            var nuc = Math.Min(EvenNuc, OddNuc);
            var fix = Cpr.Global(EvenLat, EvenLon, OddLat, OddLon, m.CprOdd, out var failure);
            var bad = fix is null ? failure == Cpr.Failure.Invalid : !Plausible(fix.Value, nuc, now);
            if (bad)
            {
                // An impossible pair is bad data: drop both halves and wait for a fresh pair; no local decoding
                // against the old position until a good one (the position itself is kept, unflagged).
                EvenValid.Source = OddValid.Source = PositionValid.Source = MessageSource.None;
                return;
            }
            if (fix is { } global)
            {
                Fix(global, nuc, FieldValidity.Combine(EvenValid, OddValid));
                GlobalFixes++;
                tryLocal = false;
            }
        }
        if (tryLocal && PositionValid.IsFresh(now, LocalReferenceAge))
        {
            var nuc = Math.Min(m.Nuc, PositionNuc);
            if (Cpr.Local(m.CprLat, m.CprLon, m.CprOdd, Lat, Lon) is { } local
                && Cpr.Distance(Lat, Lon, local.Lat, local.Lon) <= LocalRange
                && Plausible(local, nuc, now))
            {
                Fix(local, nuc, m.CprOdd ? OddValid : EvenValid);
                LocalFixes++;
            }
        }
    }

    private void Fix((double Lat, double Lon) at, int nuc, FieldValidity validity)
    {
        (Lat, Lon, PositionNuc, PositionValid) = (at.Lat, at.Lon, nuc, validity);
    }

    /// <summary>
    /// Could the aircraft have gone from its last position to <paramref name="at"/>? Checked only against a position
    /// at least as precise: within 500 m plus the distance flown in the time since and one second more, at 4/3 of
    /// its ground speed (at least 200 kt; 600 kt when the speed is unknown).
    /// </summary>
    private bool Plausible((double Lat, double Lon) at, int nuc, double now)
    {
        if (!PositionValid.IsValid || PositionNuc < nuc) return true;
        var knots = Math.Max((SpeedValid.IsValid ? Speed : 600) * 4 / 3, 200);
        var elapsed = Math.Max(now - PositionValid.Updated, 0);
        var range = 500 + (elapsed + 1) * knots * 1852 / 3600;
        return Cpr.Distance(Lat, Lon, at.Lat, at.Lon) <= range;
    }

    private void Expire(double now)
    {
        CallsignValid.Expire(now);
        AltitudeValid.Expire(now);
        SquawkValid.Expire(now);
        SpeedValid.Expire(now);
        TrackValid.Expire(now);
        VerticalRateValid.Expire(now);
        CategoryValid.Expire(now);
        AirGroundValid.Expire(now);
        EvenValid.Expire(now);
        OddValid.Expire(now);
        PositionValid.Expire(now);
    }
}
