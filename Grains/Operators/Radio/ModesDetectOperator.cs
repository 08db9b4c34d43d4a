using System.Text.Json;
using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// Mode S frames in a stream of magnitudes at 2 Msps (real float32 vectors, or float32 scalars, one sample each,
/// consecutive across elements and batches). Emits one record per frame found: key = absolute sample offset of the
/// preamble's first sample, label = the frame in hex, value = bits repaired (0 or 1). See <see cref="ModeSDetector"/>
/// for what a position yields and <see cref="FramesOperator"/> for the frames a capture holds.
/// </summary>
[AllocationBudget(BytesPerOutputRecord = 128, Reason = "per frame found: the record (40 B) and its hex string (56 or 80 B)")]
[Operator("modes_detect", Summary = "Mode S frames (records: key = sample offset, label = hex, value = bits repaired) in a 2 Msps magnitude stream")]
public sealed class ModesDetectOperator : TransformOperator
{
    private ModeSDetector? _detector;
    private readonly List<ModeSFrame> _found = [];

    [Arg("first_sample", Minimum = 0, Description = "absolute sample index of the first input sample (a chunk's iq_file offset; default 0)")]
    public long FirstSample { get; set; }

    [Arg("repair", Description = "repair single-bit errors in DF 11/17/18 frames (default true)")]
    public bool Repair { get; set; } = true;

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        if (input.Kind is not (ElementKind.Vector or ElementKind.Float32))
            throw new InvalidOperationException($"modes_detect (node '{NodeId}') takes magnitudes as real vectors or float32 elements, not {input.Kind} elements; put 'magnitude' between 'iq_file' and it");
        _detector ??= new ModeSDetector(FirstSample, Repair);
        _detector.Push(input.Float32s, _found);
        if (_found.Count == 0) return ValueTask.CompletedTask;
        foreach (var frame in _found) output.WriteRecord(new Record { Key = frame.Offset, Value = frame.BitsRepaired, Label = frame.Hex });
        _found.Clear();
        // Frames are rare: send them on now rather than when a batch of them has filled.
        output.Flush();
        return ValueTask.CompletedTask;
    }

    /// <summary>The last samples (a frame may straddle batches) and the position reached.</summary>
    public override void SaveState(Utf8JsonWriter writer)
    {
        if (_detector is null) writer.WriteNullValue();
        else _detector.WriteState(writer);
    }

    public override void RestoreState(JsonElement state)
    {
        if (state.ValueKind == JsonValueKind.Null) return;
        _detector = new ModeSDetector(FirstSample, Repair);
        _detector.ReadState(state);
    }
}
