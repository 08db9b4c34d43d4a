using System.Text.Json;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Radio;
using Dagger.Orleans.Wire;
using Xunit;
using Record = Dagger.Orleans.Wire.Record;

namespace Dagger.Orleans.Tests.Radio;

/// <summary>adsb_decode and aircraft driven the way a node drives them, without a cluster.</summary>
public sealed class AdsbOperatorTests
{
    private const string Even = "8D40621D58C382D690C8AC2863A7";
    private const string Odd = "8D40621D58C386435CC412692AD6";
    private const string Df4 = "20000F1F684A6C"; // aircraft 4D2023, which its DF 11 "5D4D20237A55A6" names in clear
    // The identification example "KLM1023" re-addressed to the aircraft of the position examples, with its parity.
    private static readonly string Identification = "8D40621D202CC371C32CE0" + Parity("8D40621D202CC371C32CE0");
    private static readonly OperatorCatalog Catalog = new([typeof(AdsbDecodeOperator).Assembly]);

    internal static T Create<T>(string op) where T : DaggerOperator
    {
        var instance = (T)Catalog.Create(op, "{}");
        instance.NodeId = "n1";
        return instance;
    }

    /// <summary>Runs <paramref name="decode"/> on the candidates (offset, hex, bits repaired), one batch, and returns the records it emits.</summary>
    internal static async Task<List<Record>> DecodeAsync(AdsbDecodeOperator decode, IEnumerable<(long Offset, string Hex, int Repaired)> candidates)
    {
        var list = candidates.ToList();
        var batch = Batch.Rent(ElementKind.Record, Math.Max(list.Count, 1));
        batch.Count = list.Count;
        for (var i = 0; i < list.Count; i++) batch.Records![i] = new Record { Key = list[i].Offset, Label = list[i].Hex, Value = list[i].Repaired };
        var output = new OutputBuffer(1024);
        await decode.TransformAsync(0, batch, output, CancellationToken.None);
        batch.Release();
        output.Flush();
        var records = new List<Record>();
        while (output.HasReady)
        {
            var b = output.TakeReady();
            foreach (var r in b.RecordSpan) records.Add(r.Clone());
            b.Release();
        }
        return records;
    }

    /// <summary>What the aircraft sink writes for <paramref name="records"/>.</summary>
    internal static JsonElement Table(IEnumerable<Record> records)
    {
        var sink = Create<AircraftOperator>("aircraft");
        var list = records.ToList();
        var batch = Batch.Rent(ElementKind.Record, Math.Max(list.Count, 1));
        batch.Count = list.Count;
        for (var i = 0; i < list.Count; i++) batch.Records![i] = list[i];
        sink.Consume(batch);
        return JsonDocument.Parse(Save(sink.WriteResult)).RootElement;
    }

    internal static byte[] Save(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) write(writer);
        return stream.ToArray();
    }

    [Fact]
    public async Task Adsb_decode_emits_per_message_the_aircrafts_row_and_the_sink_keeps_the_last_one()
    {
        var decode = Create<AdsbDecodeOperator>("adsb_decode");

        var records = await DecodeAsync(decode, [(0, Even, 0), (2_000_000, Odd, 0), (4_000_000, Identification, 0)]);

        Assert.Equal([0L, 2_000_000L, 4_000_000L], records.Select(r => r.Key));
        Assert.All(records, r => Assert.Equal(0x40621D, r.Value));
        var first = JsonDocument.Parse(records[0].Label!).RootElement;
        Assert.False(first.TryGetProperty("lat", out _));
        Assert.Equal(38000, first.GetProperty("altitude").GetInt32());
        var table = Table(records);
        Assert.Equal(1, table.GetProperty("count").GetInt32());
        var row = table.GetProperty("aircraft")[0];
        Assert.Equal("40621D", row.GetProperty("icao").GetString());
        Assert.Equal(3, row.GetProperty("messages").GetInt32());
        Assert.Equal("KLM1023 ", row.GetProperty("callsign").GetString());
        var odd = Cpr.Global(93000, 51372, 74158, 50194, oddIsNewer: true, out _)!.Value;
        Assert.Equal(odd.Lat, row.GetProperty("lat").GetDouble());
        Assert.Equal(odd.Lon, row.GetProperty("lon").GetDouble());
        Assert.Equal(1, row.GetProperty("fixes").GetProperty("global").GetInt32());
    }

    [Fact]
    public async Task A_reply_whose_address_has_not_yet_been_seen_in_clear_is_dropped_and_the_same_reply_after_it_is_taken()
    {
        var decode = Create<AdsbDecodeOperator>("adsb_decode");
        var records = await DecodeAsync(decode, [(0, Df4, 0), (1000, "5D4D20237A55A6", 0), (2000, Df4, 0)]);

        Assert.Equal([1000L, 2000L], records.Select(r => r.Key));
        Assert.Equal(23375, JsonDocument.Parse(records[1].Label!).RootElement.GetProperty("altitude").GetInt32());
    }

    [Fact]
    public async Task A_candidate_inside_the_last_message_is_the_same_reply_seen_again_and_is_dropped()
    {
        var decode = Create<AdsbDecodeOperator>("adsb_decode");

        var records = await DecodeAsync(decode, [(100, Even, 0), (101, Even, 0), (100 + 16 + 224, Odd, 0)]);

        Assert.Equal([100L, 340L], records.Select(r => r.Key));
    }

    [Fact]
    public async Task Frames_out_of_sample_order_fail_the_node_saying_it_takes_one_detectors_frames()
    {
        var decode = Create<AdsbDecodeOperator>("adsb_decode");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => DecodeAsync(decode, [(5000, Even, 0), (4000, Odd, 0)]));

        Assert.Contains("adsb_decode (node 'n1')", e.Message);
        Assert.Contains("sample offset 4000 came after one at 5000", e.Message);
    }

    [Fact]
    public async Task A_label_that_is_no_frame_fails_the_node_naming_the_offset_and_the_label()
    {
        var decode = Create<AdsbDecodeOperator>("adsb_decode");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => DecodeAsync(decode, [(77, "8D40621D58C382D690C8AC2863AZ", 0)]));

        Assert.Contains("sample offset 77", e.Message);
        Assert.Contains("not hex digits", e.Message);
    }

    [Fact]
    public async Task Adsb_decode_given_samples_says_to_put_modes_detect_before_it()
    {
        var decode = Create<AdsbDecodeOperator>("adsb_decode");
        var batch = Batch.Rent(ElementKind.Float32, 4);
        batch.Count = 4;

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => decode.TransformAsync(0, batch, new OutputBuffer(16), CancellationToken.None).AsTask());

        Assert.Contains("node 'n1'", e.Message);
        Assert.Contains("modes_detect", e.Message);
        batch.Release();
    }

    [Fact]
    public void The_aircraft_sink_given_records_that_are_no_rows_fails_naming_the_record()
    {
        var sink = Create<AircraftOperator>("aircraft");
        var batch = Batch.Rent(ElementKind.Record, 1);
        batch.Count = 1;
        batch.Records![0] = new Record { Key = 42, Value = 7, Label = "8D40621D58C382D690C8AC2863A7" };

        var e = Assert.Throws<InvalidOperationException>(() => sink.Consume(batch));

        Assert.Contains("aircraft (node 'n1')", e.Message);
        Assert.Contains("key 42", e.Message);
        batch.Release();
    }

    [Fact]
    public async Task Adsb_decode_moved_between_the_halves_of_a_pair_decodes_the_position_as_if_it_had_not_moved()
    {
        var stay = Create<AdsbDecodeOperator>("adsb_decode");
        var staying = await DecodeAsync(stay, [(0, "5D4D20237A55A6", 0), (1000, Even, 0), (3000, Odd, 0), (5000, Df4, 0)]);

        var before = Create<AdsbDecodeOperator>("adsb_decode");
        var moving = await DecodeAsync(before, [(0, "5D4D20237A55A6", 0), (1000, Even, 0)]);
        var after = Create<AdsbDecodeOperator>("adsb_decode");
        after.RestoreState(JsonDocument.Parse(Save(before.SaveState)).RootElement);
        moving.AddRange(await DecodeAsync(after, [(3000, Odd, 0), (5000, Df4, 0)]));

        Assert.Equal(staying.Select(r => (r.Key, r.Value, r.Label)), moving.Select(r => (r.Key, r.Value, r.Label)));
        Assert.Contains("\"lat\"", staying[2].Label);
        // The known address came along: the DF 4 reply after the move was taken.
        Assert.Equal(4, moving.Count);
    }

    [Fact]
    public void The_aircraft_sink_carries_its_rows_across_a_move()
    {
        var before = Create<AircraftOperator>("aircraft");
        var batch = Batch.Rent(ElementKind.Record, 1);
        batch.Count = 1;
        batch.Records![0] = new Record { Key = 1, Value = 0x4D2023, Label = """{"icao":"4D2023","messages":1}""" };
        before.Consume(batch);
        batch.Release();

        var after = Create<AircraftOperator>("aircraft");
        after.RestoreState(JsonDocument.Parse(Save(before.SaveState)).RootElement);

        Assert.Equal(Save(before.WriteResult), Save(after.WriteResult));
        Assert.Contains("4D2023", System.Text.Encoding.UTF8.GetString(Save(after.WriteResult)));
    }

    /// <summary>The 24-bit parity of 11 message bytes, as 6 hex digits.</summary>
    private static string Parity(string hex11) => ModeSCrc.Compute(Convert.FromHexString(hex11)).ToString("X6", System.Globalization.CultureInfo.InvariantCulture);
}
