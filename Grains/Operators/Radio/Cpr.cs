namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// Compact Position Reporting for airborne positions (ICAO Doc 9871; "The 1090 MHz Riddle", J. Sun, chapter on CPR):
/// a squitter carries 17-bit fractions of its latitude and longitude within a zone, zones of 360°/60 (even frames)
/// or 360°/59 (odd frames) of latitude and 360°/NL(lat) − F of longitude. An even and an odd frame together fix the
/// position anywhere (global decoding); one frame fixes it within half a zone of a known reference (local decoding).
/// </summary>
public static class Cpr
{
    /// <summary>2¹⁷: the fractions are 17-bit.</summary>
    public const double Scale = 131072;

    /// <summary>The outcome of a decode that yields no position.</summary>
    public enum Failure
    {
        /// <summary>Nothing wrong with the data: the two frames lie in different latitude zones (wait for a fresh pair), or a local decode landed too far from its reference.</summary>
        Ambiguous,

        /// <summary>The pair gives a latitude beyond ±90°: bad data.</summary>
        Invalid,
    }

    /// <summary>
    /// NL(lat), the number of longitude zones at a latitude: floor(2π / acos(1 − (1 − cos(π/30)) / cos²(π·lat/180))),
    /// 59 at the equator, 2 from 87° and 1 beyond.
    /// </summary>
    public static int LongitudeZones(double latitude)
    {
        var lat = Math.Abs(latitude);
        if (lat == 0) return 59;
        if (lat == 87) return 2;
        if (lat > 87) return 1;
        var cosLat = Math.Cos(Math.PI / 180 * lat);
        return (int)Math.Floor(2 * Math.PI / Math.Acos(1 - (1 - Math.Cos(Math.PI / 30)) / (cosLat * cosLat)));
    }

    /// <summary>
    /// Global decoding of an airborne even/odd pair (17-bit fractions); the position is that of the more recent frame
    /// (<paramref name="oddIsNewer"/>). Longitude in [−180, 180).
    /// </summary>
    public static (double Lat, double Lon)? Global(int evenLat, int evenLon, int oddLat, int oddLon, bool oddIsNewer, out Failure failure)
    {
        failure = Failure.Ambiguous;
        const double dLatEven = 360.0 / 60, dLatOdd = 360.0 / 59;
        var j = (int)Math.Floor((59.0 * evenLat - 60.0 * oddLat) / Scale + 0.5);
        var latEven = dLatEven * (Mod(j, 60) + evenLat / Scale);
        var latOdd = dLatOdd * (Mod(j, 59) + oddLat / Scale);
        // Zone indices count from the equator northwards round the globe: 270°–360° is the southern hemisphere.
        if (latEven >= 270) latEven -= 360;
        if (latOdd >= 270) latOdd -= 360;
        if (latEven is < -90 or > 90 || latOdd is < -90 or > 90)
        {
            failure = Failure.Invalid;
            return null;
        }
        var nl = LongitudeZones(latEven);
        if (nl != LongitudeZones(latOdd)) return null;

        var (lat, lonFraction, f) = oddIsNewer ? (latOdd, oddLon, 1) : (latEven, evenLon, 0);
        var zones = Math.Max(nl - f, 1);
        var m = (int)Math.Floor((evenLon * (nl - 1.0) - oddLon * (double)nl) / Scale + 0.5);
        var lon = 360.0 / zones * (Mod(m, zones) + lonFraction / Scale);
        lon -= Math.Floor((lon + 180) / 360) * 360;
        return (lat, lon);
    }

    /// <summary>
    /// Local decoding of one airborne frame against a reference position less than half a zone away: the zone
    /// nearest the reference. Null when the result is more than half a zone from the reference (the reference was
    /// too far for this frame to be resolved).
    /// </summary>
    public static (double Lat, double Lon)? Local(int cprLat, int cprLon, bool odd, double refLat, double refLon)
    {
        var latFraction = cprLat / Scale;
        var lonFraction = cprLon / Scale;
        var dLat = 360.0 / (odd ? 59 : 60);
        var j = Math.Floor(refLat / dLat) + Math.Floor(0.5 + Mod(refLat, dLat) / dLat - latFraction);
        var lat = dLat * (j + latFraction);
        if (lat >= 270) lat -= 360;
        if (lat is < -90 or > 90 || Math.Abs(lat - refLat) > dLat / 2) return null;

        var dLon = 360.0 / Math.Max(LongitudeZones(lat) - (odd ? 1 : 0), 1);
        var m = Math.Floor(refLon / dLon) + Math.Floor(0.5 + Mod(refLon, dLon) / dLon - lonFraction);
        var lon = dLon * (m + lonFraction);
        if (lon > 180) lon -= 360;
        if (Math.Abs(lon - refLon) > dLon / 2) return null;
        return (lat, lon);
    }

    /// <summary>Great-circle distance in metres on a sphere of radius 6,371 km (haversine).</summary>
    public static double Distance(double lat0, double lon0, double lat1, double lon1)
    {
        const double radians = Math.PI / 180;
        var dLat = (lat1 - lat0) * radians;
        var dLon = (lon1 - lon0) * radians;
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(lat0 * radians) * Math.Cos(lat1 * radians) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 6371e3 * 2 * Math.Atan2(Math.Sqrt(a), Math.Sqrt(1 - a));
    }

    private static int Mod(int a, int b) => (a % b + b) % b;

    private static double Mod(double a, double b)
    {
        var r = a % b;
        return r < 0 ? r + b : r;
    }
}
