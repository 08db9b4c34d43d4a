using System.Globalization;
using System.Text.Json;

namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// An <see cref="AircraftTrack"/> as JSON: the table row <c>adsb_decode</c> emits and <c>aircraft</c> prints, and the
/// whole track for a move (<see cref="Save"/>, <see cref="Load"/>).
/// </summary>
public static class AircraftJson
{
    /// <summary>
    /// <c>{"icao", "messages", "callsign", "squawk", "altitude", "ground", "vert_rate", "speed", "track", "lat", "lon",
    /// "nucp", "category", "fixes": {"global", "local"}}</c>, each field present only while known (<c>ground</c> only
    /// when true).
    /// </summary>
    public static void WriteRow(Utf8JsonWriter w, AircraftTrack t)
    {
        w.WriteStartObject();
        w.WriteString("icao", t.Address.ToString("X6", CultureInfo.InvariantCulture));
        w.WriteNumber("messages", t.Messages);
        if (t.CallsignValid.IsValid) w.WriteString("callsign", t.Callsign);
        if (t.SquawkValid.IsValid) w.WriteString("squawk", t.Squawk.ToString("D4", CultureInfo.InvariantCulture));
        if (t.AltitudeValid.IsValid) w.WriteNumber("altitude", t.Altitude);
        if (t.OnGround) w.WriteBoolean("ground", true);
        if (t.VerticalRateValid.IsValid) w.WriteNumber("vert_rate", t.VerticalRate);
        if (t.SpeedValid.IsValid) w.WriteNumber("speed", t.Speed);
        if (t.TrackValid.IsValid) w.WriteNumber("track", t.Track);
        if (t.PositionValid.IsValid)
        {
            w.WriteNumber("lat", t.Lat);
            w.WriteNumber("lon", t.Lon);
            w.WriteNumber("nucp", t.PositionNuc);
        }
        if (t.CategoryValid.IsValid) w.WriteString("category", t.Category.ToString("X2", CultureInfo.InvariantCulture));
        w.WriteStartObject("fixes");
        w.WriteNumber("global", t.GlobalFixes);
        w.WriteNumber("local", t.LocalFixes);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Every field of the track, values and validities, so that <see cref="Load"/> gives a track that goes on exactly alike.</summary>
    public static void Save(Utf8JsonWriter w, AircraftTrack t)
    {
        w.WriteStartObject();
        w.WriteNumber("address", t.Address);
        w.WriteNumber("messages", t.Messages);
        w.WriteString("callsign", t.Callsign);
        Numbers(w, "ints", [t.Altitude, t.Squawk, t.VerticalRate, t.Category, (int)t.AirGround, t.EvenLat, t.EvenLon, t.EvenNuc, t.OddLat, t.OddLon, t.OddNuc, t.PositionNuc]);
        Numbers(w, "doubles", [t.Speed, t.Track, t.Lat, t.Lon]);
        Numbers(w, "fixes", [t.GlobalFixes, t.LocalFixes]);
        w.WriteStartArray("valid");
        foreach (var v in Validities(t))
        {
            w.WriteNumberValue((int)v.Source);
            w.WriteNumberValue(v.Updated);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static AircraftTrack Load(JsonElement e)
    {
        var t = new AircraftTrack(e.GetProperty("address").GetInt32()) { Messages = e.GetProperty("messages").GetInt64(), Callsign = e.GetProperty("callsign").GetString() };
        var i = e.GetProperty("ints").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        (t.Altitude, t.Squawk, t.VerticalRate, t.Category, t.AirGround) = (i[0], i[1], i[2], i[3], (AirGround)i[4]);
        (t.EvenLat, t.EvenLon, t.EvenNuc, t.OddLat, t.OddLon, t.OddNuc, t.PositionNuc) = (i[5], i[6], i[7], i[8], i[9], i[10], i[11]);
        var d = e.GetProperty("doubles").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        (t.Speed, t.Track, t.Lat, t.Lon) = (d[0], d[1], d[2], d[3]);
        var f = e.GetProperty("fixes").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        (t.GlobalFixes, t.LocalFixes) = (f[0], f[1]);
        var v = e.GetProperty("valid").EnumerateArray().ToArray();
        FieldValidity At(int k) => new() { Source = (MessageSource)v[2 * k].GetInt32(), Updated = v[2 * k + 1].GetDouble() };
        (t.CallsignValid, t.AltitudeValid, t.SquawkValid, t.SpeedValid, t.TrackValid, t.VerticalRateValid) = (At(0), At(1), At(2), At(3), At(4), At(5));
        (t.CategoryValid, t.AirGroundValid, t.EvenValid, t.OddValid, t.PositionValid) = (At(6), At(7), At(8), At(9), At(10));
        return t;
    }

    private static FieldValidity[] Validities(AircraftTrack t) =>
        [t.CallsignValid, t.AltitudeValid, t.SquawkValid, t.SpeedValid, t.TrackValid, t.VerticalRateValid, t.CategoryValid, t.AirGroundValid, t.EvenValid, t.OddValid, t.PositionValid];

    private static void Numbers<T>(Utf8JsonWriter w, string name, T[] values) where T : struct
    {
        w.WriteStartArray(name);
        foreach (var x in values)
        {
            switch (x)
            {
                case int n: w.WriteNumberValue(n); break;
                case long n: w.WriteNumberValue(n); break;
                case double n: w.WriteNumberValue(n); break;
            }
        }
        w.WriteEndArray();
    }
}
