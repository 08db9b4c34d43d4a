using System.Text.Json;

namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// Finds Mode S frames in a stream of magnitudes (2 Msps) pushed in pieces of any size; a frame may straddle pieces.
/// </summary>
/// <remarks>
/// Every sample position is examined and what it yields depends only on the <see cref="ModeSDemodulator.WindowSamples"/>
/// samples around it — no skipping past a frame once found, no memory of earlier frames — so any stretch of the
/// stream decodes the same positions the same way, whichever piece of a capture a detector starts at. That is what lets
/// overlapping chunks decoded apart merge into exactly the frames of one pass. A position is examined once the sample
/// before it and the 240 from it are in: a detector starting at sample s (&gt; 0) examines positions from s + 1; one
/// starting at 0 takes the sample before the capture as silence. Positions within 240 samples of the end are not
/// examined. The same reply found again a sample or two later, and frames no known address confirms,
/// are left to <see cref="ModeSFrameSet"/>.
/// </remarks>
public sealed class ModeSDetector(long firstSample = 0, bool repair = true)
{
    private const int Window = ModeSDemodulator.WindowSamples;

    // Samples from absolute index _start; a detector at 0 starts with the silence before the capture.
    private float[] _samples = new float[4 * Window];
    private int _count = firstSample == 0 ? 1 : 0;
    private long _start = firstSample == 0 ? -1 : firstSample;
    private long _next = firstSample == 0 ? 0 : firstSample + 1;
    private readonly float[] _corrected = new float[ModeSDemodulator.DataSamples];
    private readonly byte[] _frame = new byte[ModeSFormat.LongBits / 8];
    private readonly byte[] _retry = new byte[ModeSFormat.LongBits / 8];

    /// <summary>Positions that passed the preamble test.</summary>
    public long Preambles { get; private set; }

    /// <summary>The next position to examine (an absolute sample index).</summary>
    public long NextPosition => _next;

    /// <summary>Appends <paramref name="magnitudes"/> and adds the frames found at the positions that became complete to <paramref name="found"/>.</summary>
    public void Push(ReadOnlySpan<float> magnitudes, ICollection<ModeSFrame> found)
    {
        if (_count + magnitudes.Length > _samples.Length) Array.Resize(ref _samples, Math.Max(2 * _samples.Length, _count + magnitudes.Length));
        magnitudes.CopyTo(_samples.AsSpan(_count));
        _count += magnitudes.Length;

        var samples = _samples.AsSpan(0, _count);
        var from = (int)(_next - 1 - _start);
        var last = _count - Window;
        for (var w = from; w <= last; w++)
        {
            // The preamble test fails almost everywhere; only then is the window worth slicing.
            if (ModeSDemodulator.PreambleLooksRight(samples.Slice(w + 1, ModeSDemodulator.PreambleSamples)))
                Examine(samples.Slice(w, Window), _start + w + 1, found);
        }
        if (last >= from) _next = _start + last + 2;

        // Keep what the next positions still need: from the sample before the next one on.
        var keep = (int)(_next - 1 - _start);
        samples[keep..].CopyTo(_samples);
        _count -= keep;
        _start += keep;
    }

    /// <summary>Writes what the detector carries between pushes (the samples the next positions need, and where it is) as one JSON object.</summary>
    public void WriteState(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("start", _start);
        writer.WriteNumber("next", _next);
        writer.WriteNumber("preambles", Preambles);
        writer.WriteStartArray("samples");
        foreach (var x in _samples.AsSpan(0, _count)) writer.WriteNumberValue(x);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Takes back what <see cref="WriteState"/> wrote, on a detector made with the same arguments.</summary>
    public void ReadState(JsonElement state)
    {
        _start = state.GetProperty("start").GetInt64();
        _next = state.GetProperty("next").GetInt64();
        Preambles = state.GetProperty("preambles").GetInt64();
        var samples = state.GetProperty("samples");
        _count = samples.GetArrayLength();
        if (_count > _samples.Length) _samples = new float[_count];
        var i = 0;
        foreach (var x in samples.EnumerateArray()) _samples[i++] = x.GetSingle();
    }

    private void Examine(ReadOnlySpan<float> window, long position, ICollection<ModeSFrame> found)
    {
        Preambles++;
        var first = ModeSDemodulator.Decode(window, correctPhase: false, repair, _corrected, _frame, out var bits, out var repaired);
        if (first == ModeSDecodeResult.SelfChecked)
        {
            found.Add(new ModeSFrame(position, Convert.ToHexString(_frame, 0, bits / 8), repaired));
            return;
        }
        // As dump1090 does, a position that gave no checked frame is tried again with the phase corrected.
        var second = ModeSDemodulator.Decode(window, correctPhase: true, repair, _corrected, _retry, out var retryBits, out var retryRepaired);
        if (second == ModeSDecodeResult.SelfChecked)
            found.Add(new ModeSFrame(position, Convert.ToHexString(_retry, 0, retryBits / 8), retryRepaired));
        // A frame that needs a known address cannot be checked here: the first clean reading goes on for ModeSFrameSet to confirm.
        else if (first == ModeSDecodeResult.NeedsKnownAddress)
            found.Add(new ModeSFrame(position, Convert.ToHexString(_frame, 0, bits / 8), 0));
        else if (second == ModeSDecodeResult.NeedsKnownAddress)
            found.Add(new ModeSFrame(position, Convert.ToHexString(_retry, 0, retryBits / 8), 0));
    }
}
