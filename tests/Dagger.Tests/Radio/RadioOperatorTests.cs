using System.Text.Json;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Radio;
using Dagger.Orleans.Wire;
using Xunit;
using Record = Dagger.Orleans.Wire.Record;

namespace Dagger.Orleans.Tests.Radio;

/// <summary>modes_detect and frames driven the way a node drives them, without a cluster.</summary>
public sealed class RadioOperatorTests
{
    private const string Df17 = "8D4840D6202CC371C32CE0576098";
    private static readonly OperatorCatalog Catalog = new([typeof(ModesDetectOperator).Assembly]);

    private static T Create<T>(string op, string args = "{}") where T : DaggerOperator
    {
        var instance = (T)Catalog.Create(op, args);
        instance.NodeId = "n1";
        return instance;
    }

    private static Batch Vectors(float[] samples, int from, int elements, int width)
    {
        var batch = Batch.Rent(ElementKind.Vector, elements, width);
        batch.Count = elements;
        samples.AsSpan(from, elements * width).CopyTo(batch.Float32s);
        return batch;
    }

    [Fact]
    public async Task Modes_detect_emits_a_record_per_frame_with_offset_hex_and_bits_repaired_across_batches()
    {
        // The first frame straddles the two batches (samples 0-1499 and 1500-2999).
        var m = SyntheticSignal.Of(3000, (1400, Df17), (2500, "5D4D20237A55A6"));
        var detect = Create<ModesDetectOperator>("modes_detect", """{ "first_sample": 100000 }""");
        var output = new OutputBuffer(1024);
        var records = new List<Record>();

        foreach (var batch in new[] { Vectors(m, 0, 3, 500), Vectors(m, 1500, 3, 500) })
        {
            await detect.TransformAsync(0, batch, output, CancellationToken.None);
            batch.Release();
            output.Flush();
            while (output.HasReady)
            {
                var b = output.TakeReady();
                foreach (var r in b.RecordSpan) records.Add(r.Clone());
                b.Release();
            }
        }

        var one = Assert.Single(records, r => r.Key == 101_400);
        Assert.Equal((Df17, 0.0), (one.Label, one.Value));
        Assert.Contains(records, r => r.Key == 102_500 && r.Label == "5D4D20237A55A6");
    }

    [Fact]
    public async Task Modes_detect_moved_mid_frame_by_its_saved_state_finds_the_frame_it_was_half_way_through()
    {
        var m = SyntheticSignal.Of(3000, (1400, Df17));
        var before = Create<ModesDetectOperator>("modes_detect");
        var output = new OutputBuffer(1024);
        var first = Vectors(m, 0, 3, 500);
        await before.TransformAsync(0, first, output, CancellationToken.None);
        first.Release();
        Assert.False(output.HasReady);

        var after = Create<ModesDetectOperator>("modes_detect");
        after.RestoreState(JsonDocument.Parse(Save(before.SaveState)).RootElement);
        var second = Vectors(m, 1500, 3, 500);
        await after.TransformAsync(0, second, output, CancellationToken.None);
        second.Release();

        var batch = output.TakeReady();
        var record = Assert.Single(batch.RecordSpan.ToArray());
        Assert.Equal((1400L, Df17), (record.Key, record.Label));
        batch.Release();
    }

    [Fact]
    public void Frames_carries_its_candidates_across_a_move()
    {
        var before = Create<FramesOperator>("frames");
        var batch = Batch.Rent(ElementKind.Record, 1);
        batch.Count = 1;
        batch.Records![0] = new Record { Key = 11_523, Label = "20000F1F684A6C" };
        before.Consume(batch);
        batch.Release();

        var after = Create<FramesOperator>("frames");
        after.RestoreState(JsonDocument.Parse(Save(before.SaveState)).RootElement);
        var squitter = Batch.Rent(ElementKind.Record, 1);
        squitter.Count = 1;
        squitter.Records![0] = new Record { Key = 20_000, Label = "8F4D2023587F345E35837E2218B2" };
        after.Consume(squitter);
        squitter.Release();

        var result = JsonDocument.Parse(Save(after.WriteResult)).RootElement;
        Assert.Equal(2, result.GetProperty("count").GetInt32());
    }

    private static byte[] Save(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) write(writer);
        return stream.ToArray();
    }

    [Fact]
    public async Task Modes_detect_given_complex_samples_says_to_put_magnitude_before_it()
    {
        var detect = Create<ModesDetectOperator>("modes_detect");
        var batch = Batch.Rent(ElementKind.Complex, 1, 4);
        batch.Count = 1;

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => detect.TransformAsync(0, batch, new OutputBuffer(16), CancellationToken.None).AsTask());
        Assert.Contains("node 'n1'", e.Message);
        Assert.Contains("magnitude", e.Message);
        batch.Release();
    }

    [Fact]
    public void Frames_writes_counts_and_each_frame_with_format_address_and_check()
    {
        var sink = Create<FramesOperator>("frames");
        var batch = Batch.Rent(ElementKind.Record, 3);
        batch.Count = 3;
        batch.Records![0] = new Record { Key = 20_000, Value = 0, Label = "8F4D2023587F345E35837E2218B2" };
        batch.Records![1] = new Record { Key = 11_523, Value = 0, Label = "20000F1F684A6C" };
        batch.Records![2] = new Record { Key = 20_000, Value = 0, Label = "8F4D2023587F345E35837E2218B2" };
        sink.Consume(batch);
        batch.Release();

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) sink.WriteResult(writer);
        var result = JsonDocument.Parse(stream.ToArray()).RootElement;

        Assert.Equal(2, result.GetProperty("count").GetInt32());
        Assert.Equal(0, result.GetProperty("repaired").GetInt32());
        Assert.Equal(1, result.GetProperty("by_df").GetProperty("4").GetInt32());
        var frames = result.GetProperty("frames").EnumerateArray().ToArray();
        Assert.Equal("""{"offset":11523,"hex":"20000F1F684A6C","df":4,"icao":"4D2023","check":"address","repaired":0}""", frames[0].GetRawText());
        Assert.Equal("""{"offset":20000,"hex":"8F4D2023587F345E35837E2218B2","df":17,"icao":"4D2023","check":"crc","repaired":0}""", frames[1].GetRawText());
    }

    [Fact]
    public void Frames_given_two_different_frames_at_one_offset_fails_naming_the_node()
    {
        var sink = Create<FramesOperator>("frames");
        var batch = Batch.Rent(ElementKind.Record, 2);
        batch.Count = 2;
        batch.Records![0] = new Record { Key = 7, Label = "5D4D20237A55A6" };
        batch.Records![1] = new Record { Key = 7, Label = "20000F1F684A6C" };

        var e = Assert.Throws<InvalidOperationException>(() => sink.Consume(batch));
        Assert.Contains("frames (node 'n1')", e.Message);
        Assert.Contains("sample offset 7", e.Message);
        batch.Release();
    }
}
