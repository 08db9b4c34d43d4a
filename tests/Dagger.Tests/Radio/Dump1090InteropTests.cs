using System.Globalization;
using System.Text.Json;
using Dagger.Orleans.Operators.Radio;
using Xunit;
using Xunit.Abstractions;

namespace Dagger.Orleans.Tests.Radio;

/// <summary>
/// adsb_decode and aircraft against Debian's dump1090-mutability fed the same frames: every field of every aircraft
/// it lists must agree — callsign, squawk, altitude, vertical rate, ground speed, track, category, message count, and
/// the position within 1e-5 degrees. dump1090 rounds speed and track to whole knots and degrees its own way; ours are
/// compared after the same rounding.
/// </summary>
[Collection(Net.EmbeddedNetSiloCollection.Name)]
public sealed partial class Dump1090InteropTests(ITestOutputHelper log, Net.EmbeddedNetSilo silo)
{
    private const double PositionTolerance = 1e-5;

    [Fact]
    public async Task On_the_real_capture_every_field_of_every_aircraft_agrees_with_dump1090_at_each_of_eight_points_in_the_stream()
    {
        await using var dump1090 = await Dump1090Mutability.StartAsync();
        var candidates = AdsbCapture.Detect();
        var frames = AdsbCapture.Report(candidates);
        var records = await AdsbOperatorTests.DecodeAsync(AdsbOperatorTests.Create<AdsbDecodeOperator>("adsb_decode"),
            candidates.Select(c => (c.Offset, c.Hex, c.BitsRepaired)));
        // Both decoders get the same frames: those the frames sink reports, which are the messages adsb_decode took.
        Assert.Equal(frames.Select(f => f.Offset), records.Select(r => r.Key));

        const int points = 8;
        var sent = 0;
        var compared = 0;
        for (var point = 1; point <= points; point++)
        {
            var upTo = frames.Count * point / points;
            var theirs = await dump1090.FeedAsync(frames.Skip(sent).Take(upTo - sent).Select(f => f.Hex));
            sent = upTo;
            // At the end, the table the aircraft sink prints; before, the rows adsb_decode emitted up to that frame.
            var ours = point == points ? TableRows(AdsbOperatorTests.Table(records)) : Rows(records.Take(upTo));
            compared += Compare(ours, theirs, $"after {upTo} of {frames.Count} frames");
        }

        var table = AdsbOperatorTests.Table(records);
        Assert.Equal(Rows(records).Count, table.GetProperty("count").GetInt32());
        log.WriteLine($"{compared} aircraft rows compared; the last table: {table.GetRawText()}");
        Assert.True(compared >= points - 1, $"only {compared} rows were compared");
        var last = table.GetProperty("aircraft").EnumerateArray().Single(a => a.GetProperty("messages").GetInt32() >= 2);
        Assert.True(last.TryGetProperty("lat", out _) && last.TryGetProperty("callsign", out _) && last.TryGetProperty("squawk", out _),
            $"the capture's aircraft should have a position, a callsign and a squawk: {last.GetRawText()}");
    }

    [Fact]
    public async Task On_the_public_worked_examples_every_field_agrees_with_dump1090()
    {
        // Each example twice or as a pair: dump1090 lists an aircraft only from its second message on.
        const string even = "8D40621D58C382D690C8AC2863A7", odd = "8D40621D58C386435CC412692AD6";
        const string identification = "8D4840D6202CC371C32CE0576098", velocity = "8D485020994409940838175B284F";
        string[] examples = [even, odd, identification, identification, velocity, velocity, "8D4840D6202CC371C32CE0576098"];
        var records = await AdsbOperatorTests.DecodeAsync(AdsbOperatorTests.Create<AdsbDecodeOperator>("adsb_decode"),
            examples.Select((hex, i) => (i * 20_000L, hex, 0)));

        await using var dump1090 = await Dump1090Mutability.StartAsync();
        var theirs = await dump1090.FeedAsync(examples);

        Assert.Equal(3, Compare(Rows(records), theirs, "the worked examples"));
    }

    [Fact]
    public async Task On_synthetic_traffic_of_hundreds_of_aircraft_every_field_agrees_with_dump1090()
    {
        var frames = SyntheticTraffic.Frames(aircraftPerKind: 250);
        // 300 samples apart: after the end of the frame before (16 + 224 samples), 0.15 ms of capture time each.
        var records = await AdsbOperatorTests.DecodeAsync(AdsbOperatorTests.Create<AdsbDecodeOperator>("adsb_decode"),
            frames.Select((hex, i) => (i * 300L, hex, 0)));
        Assert.Equal(frames.Count, records.Count);

        await using var dump1090 = await Dump1090Mutability.StartAsync();
        var theirs = await dump1090.FeedAsync(frames);

        var ours = Rows(records);
        var compared = Compare(ours, theirs, "synthetic traffic", logRows: false);
        Assert.Equal(750, compared);
        // The traffic reaches every path: say how often each field was there to compare.
        var rows = ours.Values.ToArray();
        int With(string field) => rows.Count(r => r.TryGetProperty(field, out _));
        log.WriteLine($"{compared} aircraft, {frames.Count} frames: with position {With("lat")}, altitude {With("altitude")}, on ground {With("ground")}, " +
            $"squawk {With("squawk")}, callsign {With("callsign")}, speed {With("speed")}, vertical rate {With("vert_rate")}");
        Assert.True(With("lat") >= 100 && With("ground") >= 10 && With("callsign") >= 300 && With("speed") >= 50 && With("squawk") >= 200,
            "the synthetic traffic should exercise every field");
    }

    /// <summary>The last row per aircraft among <paramref name="records"/>, as the aircraft sink keeps them.</summary>
    private static Dictionary<string, JsonElement> Rows(IEnumerable<Wire.Record> records)
    {
        var rows = new Dictionary<string, JsonElement>();
        foreach (var r in records)
        {
            var row = JsonDocument.Parse(r.Label!).RootElement;
            rows[row.GetProperty("icao").GetString()!.ToLowerInvariant()] = row;
        }
        return rows;
    }

    private static Dictionary<string, JsonElement> TableRows(JsonElement table) =>
        table.GetProperty("aircraft").EnumerateArray().ToDictionary(a => a.GetProperty("icao").GetString()!.ToLowerInvariant(), a => a);

    /// <summary>Compares every field; fails listing every difference. Returns the number of aircraft compared.</summary>
    private int Compare(Dictionary<string, JsonElement> ours, JsonElement theirs, string when, bool logRows = true)
    {
        var problems = new List<string>();
        var listed = ours.Where(o => o.Value.GetProperty("messages").GetInt64() >= 2).ToDictionary(o => o.Key, o => o.Value);
        var theirHexes = theirs.EnumerateArray().Select(a => a.GetProperty("hex").GetString()!).ToHashSet();
        if (!theirHexes.SetEquals(listed.Keys))
            problems.Add($"aircraft: ours (with 2 messages or more) {string.Join(",", listed.Keys.Order())}, dump1090's {string.Join(",", theirHexes.Order())}");
        foreach (var a in theirs.EnumerateArray())
        {
            var hex = a.GetProperty("hex").GetString()!;
            if (!listed.TryGetValue(hex, out var o)) continue;
            void Same(string field, string? mine, string? its)
            {
                if (mine != its) problems.Add($"{hex} {field}: ours {mine ?? "(none)"}, dump1090 {its ?? "(none)"}");
            }
            string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;

            var ground = o.TryGetProperty("ground", out _);
            Same("altitude", ground ? "ground" : Str(o, "altitude"), Str(a, "altitude"));
            Same("callsign", Str(o, "callsign"), Str(a, "flight"));
            Same("squawk", Str(o, "squawk"), Str(a, "squawk"));
            Same("vert_rate", Str(o, "vert_rate"), Str(a, "vert_rate"));
            Same("category", Str(o, "category"), Str(a, "category"));
            Same("messages", Str(o, "messages"), Str(a, "messages"));
            Same("nucp", Str(o, "nucp"), Str(a, "nucp"));
            Same("speed", o.TryGetProperty("speed", out var speed) ? Dump1090Speed(speed.GetDouble()) : null, Str(a, "speed"));
            Same("track", o.TryGetProperty("track", out var track) ? Dump1090Track(track.GetDouble()) : null, Str(a, "track"));
            var hasLat = o.TryGetProperty("lat", out var lat);
            if (hasLat != a.TryGetProperty("lat", out var theirLat))
            {
                problems.Add($"{hex} position: ours {(hasLat ? "known" : "none")}, dump1090 {(hasLat ? "none" : "known")}");
            }
            else if (hasLat)
            {
                var dLat = Math.Abs(lat.GetDouble() - theirLat.GetDouble());
                var dLon = Math.Abs(o.GetProperty("lon").GetDouble() - a.GetProperty("lon").GetDouble());
                if (dLat > PositionTolerance || dLon > PositionTolerance)
                    problems.Add($"{hex} position: ours {lat.GetDouble():F7},{o.GetProperty("lon").GetDouble():F7}, dump1090 {theirLat.GetDouble():F6},{a.GetProperty("lon").GetDouble():F6}");
            }
            if (!logRows) continue;
            log.WriteLine($"{when}: {hex} ours {o.GetRawText()}");
            log.WriteLine($"{when}: {hex} dump1090 {a.GetRawText()}");
        }
        Assert.True(problems.Count == 0, $"{when}, ours and dump1090-mutability differ in {problems.Count} fields:\n{string.Join("\n", problems.Take(60))}");
        return listed.Count;
    }

    /// <summary>dump1090 writes the speed from the two integer components as (unsigned) sqrt(ns² + ew² + 0.5).</summary>
    private static string Dump1090Speed(double speed) =>
        ((int)Math.Sqrt(Math.Round(speed * speed) + 0.5)).ToString(CultureInfo.InvariantCulture);

    /// <summary>dump1090 writes the track as (int)(atan2(ew, ns) in degrees + 0.5), C truncation, then + 360 when negative.</summary>
    private static string Dump1090Track(double track)
    {
        var signed = track > 180 ? track - 360 : track;
        var whole = (int)(signed + 0.5);
        return (whole < 0 ? whole + 360 : whole).ToString(CultureInfo.InvariantCulture);
    }
}
