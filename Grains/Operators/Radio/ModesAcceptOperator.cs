using System.Text.Json;
using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// The frames among one <c>modes_detect</c>'s candidates that are messages, as <c>adsb_decode</c> and dump1090 decide
/// (<see cref="AdsbFrameFilter"/>: parity checks, a repaired frame only from a known address, no frame inside the one
/// before), passed on unchanged — key = sample offset, label = hex, value = bits repaired — in the order they came:
/// what a Mode S sink (<c>tcp_sink</c> with format <c>avr</c> or <c>beast</c>) should hand to other decoders.
/// </summary>
[AllocationBudget(BytesPerOutputRecord = 40, Reason = "per frame passed on: its record (40 B); the hex string is shared")]
[Operator("modes_accept", Summary = "the Mode S frames (modes_detect's records) whose parity checks, as adsb_decode takes them, unchanged and in order")]
public sealed class ModesAcceptOperator : TransformOperator
{
    private readonly AdsbFrameFilter _filter = new();
    private readonly byte[] _frame = new byte[ModeSFormat.LongBits / 8];

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        if (input.Kind != ElementKind.Record)
            throw new InvalidOperationException($"modes_accept (node '{NodeId}') takes the records modes_detect emits (key = sample offset, label = frame in hex), not {input.Kind} elements");
        var wrote = false;
        foreach (var record in input.Records)
        {
            int length;
            try
            {
                length = _filter.Accept(record.Key, record.Label ?? "", (int)record.Value, _frame, out _, out _);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                throw new InvalidOperationException($"modes_accept (node '{NodeId}'): {e.Message}", e);
            }
            if (length == 0) continue;
            // A record is mutable and its batch may be shared: the output gets its own.
            output.WriteRecord(record.Clone());
            wrote = true;
        }
        // Frames are rare: send them on now rather than when a batch of them has filled.
        if (wrote) output.Flush();
        return ValueTask.CompletedTask;
    }

    /// <summary>The filter's known addresses and position in the stream.</summary>
    public override void SaveState(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        _filter.WriteState(writer);
        writer.WriteEndObject();
    }

    public override void RestoreState(JsonElement state) => _filter.ReadState(state);
}
