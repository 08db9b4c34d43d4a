using System.Globalization;
using System.Text.Json;
using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// Collects the frames <c>modes_detect</c> nodes found (one or several, over overlapping chunks, merged) and reports
/// those whose parity checks, de-duplicated and in offset order (<see cref="ModeSFrameSet"/>). Result: one object,
/// <c>{"count", "repaired", "by_df", "frames": [{"offset", "hex", "df", "icao", "check", "repaired"}, …]}</c>.
/// </summary>
[AllocationBudget(160, Amortised = true, Reason = "keeps every distinct frame (its result): a 44 B dictionary entry each, in a dictionary that grows by doubling")]
[Operator("frames", Summary = "result: the Mode S frames whose parity checks, de-duplicated by sample offset, in offset order, as JSON")]
public sealed class FramesOperator : SinkOperator
{
    private readonly ModeSFrameSet _set = new();

    public override void Consume(InputBatch input)
    {
        if (input.Kind != ElementKind.Record)
            throw new InvalidOperationException($"frames (node '{NodeId}') takes the records modes_detect emits, not {input.Kind} elements");
        // Each frame kept is one object of the result: offset, hex (2 characters a byte, from the label), df, icao, check.
        foreach (var record in input.Records) ChargeResult(128 + 2L * (record.Label?.Length ?? 0));
        foreach (var record in input.Records)
        {
            try
            {
                _set.Add(record.Key, record.Label ?? "", (int)record.Value);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                throw new InvalidOperationException($"frames (node '{NodeId}'): {e.Message}", e);
            }
        }
    }

    public override void WriteResult(Utf8JsonWriter writer)
    {
        var frames = _set.Resolve();
        var repaired = 0;
        var byFormat = new SortedDictionary<int, int>();
        foreach (var f in frames)
        {
            repaired += f.BitsRepaired;
            byFormat[f.DownlinkFormat] = byFormat.GetValueOrDefault(f.DownlinkFormat) + 1;
        }
        writer.WriteStartObject();
        writer.WriteNumber("count", frames.Count);
        writer.WriteNumber("repaired", repaired);
        writer.WriteStartObject("by_df");
        foreach (var (df, n) in byFormat) writer.WriteNumber(df.ToString(CultureInfo.InvariantCulture), n);
        writer.WriteEndObject();
        writer.WriteStartArray("frames");
        foreach (var f in frames)
        {
            writer.WriteStartObject();
            writer.WriteNumber("offset", f.Offset);
            writer.WriteString("hex", f.Hex);
            writer.WriteNumber("df", f.DownlinkFormat);
            writer.WriteString("icao", f.Address.ToString("X6", CultureInfo.InvariantCulture));
            writer.WriteString("check", f.Check switch
            {
                ParityCheck.Crc => "crc",
                ParityCheck.Address => "address",
                _ => "interrogator",
            });
            writer.WriteNumber("repaired", f.BitsRepaired);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The candidates so far: offset, hex and bits repaired of each.</summary>
    public override void SaveState(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        foreach (var c in _set.Candidates)
        {
            writer.WriteStartObject();
            writer.WriteNumber("offset", c.Offset);
            writer.WriteString("hex", c.Hex);
            writer.WriteNumber("repaired", c.BitsRepaired);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    public override void RestoreState(JsonElement state)
    {
        foreach (var c in state.EnumerateArray())
            _set.Add(c.GetProperty("offset").GetInt64(), c.GetProperty("hex").GetString()!, c.GetProperty("repaired").GetInt32());
    }
}
