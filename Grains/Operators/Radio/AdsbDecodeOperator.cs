using System.Buffers;
using System.Text;
using System.Text.Json;
using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// Decodes the frames one <c>modes_detect</c> finds into aircraft, as dump1090 does: the candidates whose parity
/// checks (<see cref="AdsbFrameFilter"/>) are decoded (<see cref="ModeSMessageDecoder"/>) into one
/// <see cref="AircraftTrack"/> per ICAO address. Emits one record per message: key = the frame's sample offset,
/// value = the aircraft's address, label = the aircraft's table row after the message (<see cref="AircraftJson.WriteRow"/>).
/// </summary>
[AllocationBudget(BytesPerOutputRecord = 1024, Reason = "per message: the record (40 B) and its JSON row (a string of 150-300 characters); an identification message also its 8-character callsign")]
[Operator("adsb_decode", Summary = "aircraft from Mode S frames (modes_detect's records): per message a record with key = sample offset, value = ICAO address, label = the aircraft's row as JSON")]
public sealed class AdsbDecodeOperator : TransformOperator
{
    /// <summary>modes_detect works on 2 Msps samples: a sample offset over this is capture time in seconds.</summary>
    public const double SampleRate = 2_000_000;

    private readonly AdsbFrameFilter _filter = new();
    private readonly Dictionary<int, AircraftTrack> _tracks = [];
    private readonly byte[] _frame = new byte[ModeSFormat.LongBits / 8];
    private readonly ArrayBufferWriter<byte> _row = new(512);
    private Utf8JsonWriter? _writer;

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        if (input.Kind != ElementKind.Record)
            throw new InvalidOperationException($"adsb_decode (node '{NodeId}') takes the records modes_detect emits (key = sample offset, label = frame in hex), not {input.Kind} elements");
        var wrote = false;
        foreach (var record in input.Records)
        {
            int length, address;
            MessageSource source;
            try
            {
                length = _filter.Accept(record.Key, record.Label ?? "", (int)record.Value, _frame, out address, out source);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                throw new InvalidOperationException($"adsb_decode (node '{NodeId}'): {e.Message}", e);
            }
            if (length == 0) continue;
            var message = ModeSMessageDecoder.Decode(_frame.AsSpan(0, length), address, source);
            if (!_tracks.TryGetValue(address, out var track)) _tracks.Add(address, track = new AircraftTrack(address));
            track.Update(message, record.Key / SampleRate);
            output.WriteRecord(new Record { Key = record.Key, Value = address, Label = Row(track) });
            wrote = true;
        }
        // Messages are rare: send them on now rather than when a batch of them has filled.
        if (wrote) output.Flush();
        return ValueTask.CompletedTask;
    }

    private string Row(AircraftTrack track)
    {
        _row.ResetWrittenCount();
        if (_writer is null) _writer = new Utf8JsonWriter(_row);
        else _writer.Reset(_row);
        AircraftJson.WriteRow(_writer, track);
        _writer.Flush();
        return Encoding.UTF8.GetString(_row.WrittenSpan);
    }

    /// <summary>The filter's known addresses and position in the stream, and every track.</summary>
    public override void SaveState(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        _filter.WriteState(writer);
        writer.WriteStartArray("tracks");
        foreach (var t in _tracks.Values) AircraftJson.Save(writer, t);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public override void RestoreState(JsonElement state)
    {
        _filter.ReadState(state);
        foreach (var t in state.GetProperty("tracks").EnumerateArray())
        {
            var track = AircraftJson.Load(t);
            _tracks[track.Address] = track;
        }
    }
}
