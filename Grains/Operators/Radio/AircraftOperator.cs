using System.Globalization;
using System.Text.Json;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// The aircraft table: the last row <c>adsb_decode</c> emitted for each ICAO address. Result:
/// <c>{"count", "aircraft": [row, …]}</c> in address order, each row as <see cref="AircraftJson.WriteRow"/> writes it.
/// </summary>
[Operator("aircraft", Summary = "result: the aircraft table, the last row adsb_decode emitted per ICAO address, in address order, as JSON")]
public sealed class AircraftOperator : SinkOperator
{
    private readonly SortedDictionary<int, string> _rows = [];

    public override void Consume(InputBatch input)
    {
        if (input.Kind != ElementKind.Record)
            throw new InvalidOperationException($"aircraft (node '{NodeId}') takes the records adsb_decode emits, not {input.Kind} elements");
        foreach (var record in input.Records)
        {
            var address = record.Value;
            if (record.Label is not { Length: > 0 } row || row[0] != '{' || address is < 0 or > 0xFFFFFF || address != Math.Floor(address))
                throw new InvalidOperationException($"aircraft (node '{NodeId}') takes the records adsb_decode emits (value = ICAO address, label = the aircraft's row as a JSON object); the record at key {record.Key} has value {address.ToString(CultureInfo.InvariantCulture)} and label '{record.Label}'");
            _rows[(int)address] = row;
        }
    }

    public override void WriteResult(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("count", _rows.Count);
        writer.WriteStartArray("aircraft");
        foreach (var (address, row) in _rows)
        {
            try
            {
                writer.WriteRawValue(row);
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"aircraft (node '{NodeId}'): the row of {address:X6} is not JSON ({e.Message}): {row}", e);
            }
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The rows so far, by address.</summary>
    public override void SaveState(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        foreach (var (address, row) in _rows)
        {
            writer.WriteStartObject();
            writer.WriteNumber("address", address);
            writer.WriteString("row", row);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    public override void RestoreState(JsonElement state)
    {
        foreach (var r in state.EnumerateArray()) _rows[r.GetProperty("address").GetInt32()] = r.GetProperty("row").GetString()!;
    }
}
