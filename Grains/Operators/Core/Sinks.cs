using System.Text.Json;
using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Core;

[AllocationBudget(128, BytesPerInputByte = 1, Amortised = true, Reason = "keeps every element (its result): a copy of each (a record: a clone; a vector: an array and its header) and its place in two lists that grow by doubling: 16-64 B amortised on a long life, up to 120 B on a life of a few elements")]
[Operator("collect", Summary = "result: array of all elements, in arrival order")]
public sealed class CollectOperator : SinkOperator
{
    private readonly List<long> _ints = [];
    private readonly List<double> _doubles = [];
    private readonly List<float[]> _vectors = [];
    private readonly List<Record> _records = [];
    // Arrival order across kinds: (kind, index into that kind's list).
    private readonly List<(ElementKind Kind, int Index)> _order = [];

    public override void Consume(InputBatch input)
    {
        if (StreamedResult is { } file)
        {
            WriteElements(file, input);
            FlushStreamedResult();
            return;
        }
        ChargeResult(ResultBytesOf(input));
        for (var i = 0; i < input.Count; i++)
        {
            switch (input.Kind)
            {
                case ElementKind.Int64: _order.Add((ElementKind.Int64, _ints.Count)); _ints.Add(input.Int64s[i]); break;
                case ElementKind.Float64: _order.Add((ElementKind.Float64, _doubles.Count)); _doubles.Add(input.Float64s[i]); break;
                case ElementKind.Float32: _order.Add((ElementKind.Float64, _doubles.Count)); _doubles.Add(input.Float32s[i]); break;
                case ElementKind.Vector: _order.Add((ElementKind.Vector, _vectors.Count)); _vectors.Add(input.Vector(i).ToArray()); break;
                // A complex vector is written as its floats, re, im interleaved.
                case ElementKind.Complex: _order.Add((ElementKind.Vector, _vectors.Count)); _vectors.Add(input.ComplexVector(i).ToArray()); break;
                case ElementKind.Record: _order.Add((ElementKind.Record, _records.Count)); _records.Add(input.Records[i].Clone()); break;
            }
        }
    }

    protected override void StartStreamedResult(Utf8JsonWriter writer) => writer.WriteStartArray();

    protected override void EndStreamedResult(Utf8JsonWriter writer) => writer.WriteEndArray();

    /// <summary>The elements of <paramref name="input"/> as <see cref="WriteResult"/> writes them, straight to a result file.</summary>
    private static void WriteElements(Utf8JsonWriter writer, InputBatch input)
    {
        for (var i = 0; i < input.Count; i++)
        {
            switch (input.Kind)
            {
                case ElementKind.Int64: writer.WriteNumberValue(input.Int64s[i]); break;
                case ElementKind.Float64: JsonNumbers.Write(writer, input.Float64s[i]); break;
                case ElementKind.Float32: JsonNumbers.Write(writer, input.Float32s[i]); break;
                case ElementKind.Vector or ElementKind.Complex:
                    writer.WriteStartArray();
                    foreach (var f in input.Kind == ElementKind.Vector ? input.Vector(i) : input.ComplexVector(i)) JsonNumbers.Write(writer, f);
                    writer.WriteEndArray();
                    break;
                case ElementKind.Record: JsonNumbers.WriteRecord(writer, input.Records[i]); break;
            }
        }
    }

    /// <summary>
    /// At least what <paramref name="input"/> adds to the result as JSON, so the cap holds before the elements are kept:
    /// the longest an element can be written (an int64 is at most 20 characters, a double 24, a float 15) and a comma.
    /// </summary>
    private static long ResultBytesOf(InputBatch input) => input.Kind switch
    {
        ElementKind.Int64 => 21L * input.Count,
        ElementKind.Float64 or ElementKind.Float32 => 25L * input.Count,
        ElementKind.Vector or ElementKind.Complex => 3L * input.Count + 16L * input.Float32s.Length,
        ElementKind.Record => RecordBytes(input.Records),
        _ => 25L * input.Count,
    };

    private static long RecordBytes(RecordViews records)
    {
        // {"key":…,"value":…,"label":"…"}: 31 characters of frame, a key, a value, and a label escaped at worst 6 to 1.
        long bytes = 0;
        foreach (var r in records) bytes += 31 + 20 + 24 + 6L * (r.Label?.Length ?? 0);
        return bytes;
    }

    public override void WriteResult(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        foreach (var (kind, index) in _order)
        {
            switch (kind)
            {
                case ElementKind.Int64: writer.WriteNumberValue(_ints[index]); break;
                case ElementKind.Float64: JsonNumbers.Write(writer, _doubles[index]); break;
                case ElementKind.Vector:
                    writer.WriteStartArray();
                    foreach (var f in _vectors[index]) JsonNumbers.Write(writer, f);
                    writer.WriteEndArray();
                    break;
                case ElementKind.Record: JsonNumbers.WriteRecord(writer, _records[index]); break;
            }
        }
        writer.WriteEndArray();
    }

    public override void SaveState(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("ints");
        foreach (var x in _ints) writer.WriteNumberValue(x);
        writer.WriteEndArray();
        writer.WriteStartArray("doubles");
        foreach (var x in _doubles) writer.WriteStringValue(x.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteEndArray();
        writer.WriteStartArray("vectors");
        foreach (var v in _vectors)
        {
            writer.WriteStartArray();
            foreach (var f in v) writer.WriteStringValue(f.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("records");
        foreach (var r in _records)
        {
            writer.WriteStartObject();
            writer.WriteNumber("key", r.Key);
            writer.WriteString("value", r.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            if (r.Label is not null) writer.WriteString("label", r.Label);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("order");
        foreach (var (kind, _) in _order) writer.WriteNumberValue((byte)kind);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public override void RestoreState(JsonElement state)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        foreach (var x in state.GetProperty("ints").EnumerateArray()) _ints.Add(x.GetInt64());
        foreach (var x in state.GetProperty("doubles").EnumerateArray()) _doubles.Add(double.Parse(x.GetString()!, inv));
        foreach (var v in state.GetProperty("vectors").EnumerateArray())
        {
            var floats = new float[v.GetArrayLength()];
            var i = 0;
            foreach (var f in v.EnumerateArray()) floats[i++] = float.Parse(f.GetString()!, inv);
            _vectors.Add(floats);
        }
        foreach (var r in state.GetProperty("records").EnumerateArray())
        {
            _records.Add(new Record
            {
                Key = r.GetProperty("key").GetInt64(),
                Value = double.Parse(r.GetProperty("value").GetString()!, inv),
                Label = r.TryGetProperty("label", out var label) ? label.GetString() : null,
            });
        }
        // The order list holds (kind, index into that kind's list): rebuild the indices by counting.
        var next = new Dictionary<ElementKind, int>();
        foreach (var k in state.GetProperty("order").EnumerateArray())
        {
            var kind = (ElementKind)k.GetByte();
            var index = next.GetValueOrDefault(kind);
            next[kind] = index + 1;
            _order.Add((kind, index));
        }
    }
}

[Operator("sum", Summary = "result: the sum (a vector input sums component-wise)")]
public sealed class SumOperator : SinkOperator
{
    private long _intSum;
    private double _floatSum;
    private bool _sawFloat;
    private double[]? _vectorSum;

    public override void Consume(InputBatch input)
    {
        switch (input.Kind)
        {
            case ElementKind.Int64:
                foreach (var x in input.Int64s) _intSum += x;
                break;
            case ElementKind.Float64:
                _sawFloat = true;
                foreach (var x in input.Float64s) _floatSum += x;
                break;
            case ElementKind.Float32:
                _sawFloat = true;
                foreach (var x in input.Float32s) _floatSum += x;
                break;
            case ElementKind.Record:
                _sawFloat = true;
                foreach (var r in input.Records) _floatSum += r.Value;
                break;
            case ElementKind.Vector:
            case ElementKind.Complex:
                // Component-wise; a complex vector sums as its interleaved re, im floats.
                var floats = input.Float32s;
                var width = floats.Length / Math.Max(input.Count, 1);
                _vectorSum ??= new double[width];
                if (_vectorSum.Length != width)
                    throw new InvalidOperationException($"sum: vectors of width {width} after vectors of width {_vectorSum.Length} (in floats)");
                for (var i = 0; i < floats.Length; i++) _vectorSum[i % width] += floats[i];
                break;
        }
    }

    public override void WriteResult(Utf8JsonWriter writer)
    {
        if (_vectorSum is not null)
        {
            writer.WriteStartArray();
            foreach (var x in _vectorSum) JsonNumbers.Write(writer, x);
            writer.WriteEndArray();
        }
        else if (_sawFloat) JsonNumbers.Write(writer, _floatSum + _intSum);
        else writer.WriteNumberValue(_intSum);
    }

    public override void SaveState(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("int", _intSum);
        // Round-trip format: a partial sum must come back bit for bit.
        writer.WriteString("float", _floatSum.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteBoolean("sawFloat", _sawFloat);
        if (_vectorSum is not null)
        {
            writer.WriteStartArray("vector");
            foreach (var x in _vectorSum) writer.WriteStringValue(x.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    public override void RestoreState(JsonElement state)
    {
        _intSum = state.GetProperty("int").GetInt64();
        _floatSum = double.Parse(state.GetProperty("float").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        _sawFloat = state.GetProperty("sawFloat").GetBoolean();
        if (state.TryGetProperty("vector", out var vector))
        {
            _vectorSum = new double[vector.GetArrayLength()];
            var i = 0;
            foreach (var x in vector.EnumerateArray()) _vectorSum[i++] = double.Parse(x.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

[Operator("count", Summary = "result: how many elements arrived")]
public sealed class CountOperator : SinkOperator
{
    private long _count;

    public override void Consume(InputBatch input) => _count += input.Count;

    public override void SaveState(Utf8JsonWriter writer) => writer.WriteNumberValue(_count);

    public override void RestoreState(JsonElement state) => _count = state.GetInt64();

    public override void WriteResult(Utf8JsonWriter writer) => writer.WriteNumberValue(_count);
}

/// <summary>JSON has no NaN or infinity: those become strings so a result document always parses.</summary>
internal static class JsonNumbers
{
    public static void Write(Utf8JsonWriter writer, double x)
    {
        if (double.IsFinite(x)) writer.WriteNumberValue(x);
        else writer.WriteStringValue(x.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static void WriteRecord(Utf8JsonWriter writer, Record r) => WriteRecord(writer, r.Key, r.Value, r.Label);

    public static void WriteRecord(Utf8JsonWriter writer, RecordView r) => WriteRecord(writer, r.Key, r.Value, r.Label);

    private static void WriteRecord(Utf8JsonWriter writer, long key, double value, string? label)
    {
        writer.WriteStartObject();
        writer.WriteNumber("key", key);
        writer.WritePropertyName("value");
        Write(writer, value);
        if (label is not null) writer.WriteString("label", label);
        writer.WriteEndObject();
    }
}
