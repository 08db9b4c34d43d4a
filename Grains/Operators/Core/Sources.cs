using System.Text.Json;
using System.Numerics;
using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Core;

/// <summary>The element type a numeric source emits (an extension of CONTRACT §2: <c>range</c> emits int64 unless told otherwise).</summary>
internal static class SourceTypes
{
    /// <summary>Writes element <paramref name="index"/> with numeric value <paramref name="x"/> as <paramref name="type"/>.</summary>
    public static void Write(OutputBuffer output, string type, long index, double x, int width)
    {
        switch (type)
        {
            case "float64": output.WriteFloat64(x); break;
            case "float32": output.WriteFloat32((float)x); break;
            case "vector":
                var v = output.NextVector(width);
                for (var j = 0; j < v.Length; j++) v[j] = (float)(x + j);
                break;
            case "record": output.WriteRecord(new Record { Key = index, Value = x }); break;
            default: output.WriteInt64((long)x); break;
        }
    }
}

[AllocationBudget(BytesPerOutputRecord = 40, Reason = "type record: a record is an object, one per element (40 B)")]
[Operator("range", Summary = "start, start+step, ... (count elements, or endless)")]
public sealed class RangeOperator : SourceOperator
{
    private long _emitted;

    [Arg("start", Description = "first value (default 0)")] public long Start { get; set; }

    [Arg("step", Description = "increment (default 1)")] public long Step { get; set; } = 1;

    [Arg("count", Minimum = 0, Description = "how many elements; absent: endless")] public long? Count { get; set; }

    [Arg("type", Description = "element type", Allowed = ["int64", "float64", "float32", "vector", "record"])]
    public string Type { get; set; } = "int64";

    [Arg("width", Minimum = 1, Description = "floats per element when type is vector (default 4); element i is [x, x+1, ...]")]
    public int Width { get; set; } = 4;

    private void Fill<T>(OutputBuffer output, int n) where T : unmanaged, INumber<T>
    {
        for (var done = 0; done < n;)
        {
            var room = output.Next<T>(n - done);
            for (var j = 0; j < room.Length; j++) room[j] = T.CreateTruncating(Start + (_emitted + done + j) * Step);
            output.Advance(room.Length);
            done += room.Length;
        }
    }

    public override ValueTask<bool> ProduceAsync(OutputBuffer output, CancellationToken cancellation)
    {
        var n = (int)(Count is { } c ? Math.Min(BatchSize, c - _emitted) : BatchSize);
        switch (Type)
        {
            // The scalar types are written straight into the batch: no call per element.
            case "int64": Fill<long>(output, n); break;
            case "float64": Fill<double>(output, n); break;
            case "float32": Fill<float>(output, n); break;
            default:
                for (var i = 0; i < n; i++) SourceTypes.Write(output, Type, _emitted + i, Start + (_emitted + i) * Step, Width);
                break;
        }
        _emitted += n;
        return ValueTask.FromResult(Count is not { } total || _emitted < total);
    }

    public override void SaveState(Utf8JsonWriter writer) => writer.WriteNumberValue(_emitted);

    public override void RestoreState(JsonElement state) => _emitted = state.GetInt64();
}

[AllocationBudget(BytesPerOutputRecord = 40, Reason = "type record: a record is an object, one per element (40 B)")]
[Operator("constant", Summary = "value, repeated (count times, or endlessly)")]
public sealed class ConstantOperator : SourceOperator
{
    private long _emitted;

    [Arg("value", Required = true, Description = "the value to emit")] public double Value { get; set; }

    [Arg("count", Minimum = 0, Description = "how many elements; absent: endless")] public long? Count { get; set; }

    [Arg("type", Description = "element type (default float64)", Allowed = ["int64", "float64", "float32", "vector", "record"])]
    public string Type { get; set; } = "float64";

    [Arg("width", Minimum = 1, Description = "floats per element when type is vector (default 4)")]
    public int Width { get; set; } = 4;

    public override ValueTask<bool> ProduceAsync(OutputBuffer output, CancellationToken cancellation)
    {
        var n = Count is { } c ? Math.Min(BatchSize, c - _emitted) : BatchSize;
        for (var i = 0; i < n; i++) SourceTypes.Write(output, Type, _emitted + i, Value, Width);
        _emitted += n;
        return ValueTask.FromResult(Count is not { } total || _emitted < total);
    }

    public override void SaveState(Utf8JsonWriter writer) => writer.WriteNumberValue(_emitted);

    public override void RestoreState(JsonElement state) => _emitted = state.GetInt64();
}
