namespace Dagger.Orleans.Operators.Radio;

/// <summary>What demodulating one candidate position gave.</summary>
public enum ModeSDecodeResult
{
    /// <summary>No frame: the bits did not come out clean, or the format cannot be checked.</summary>
    None,

    /// <summary>A DF 11/17/18 frame whose CRC checks (perhaps after a one-bit repair).</summary>
    SelfChecked,

    /// <summary>
    /// A clean frame that only a known address can confirm: DF 0/4/5/16/20/21, whose parity is the CRC XOR the
    /// address, or a DF 11 whose syndrome is below <see cref="ModeSFormat.InterrogatorCodeLimit"/> (an interrogator's code).
    /// </summary>
    NeedsKnownAddress,
}

/// <summary>
/// Pulse-position demodulation of one Mode S frame at 2 Msps, after dump1090 (antirez): a preamble test on 16
/// samples, one bit per two samples (first sample higher: 1), a signal-strength test, and a retry with Oliver
/// Jowett's phase correction. Works on a window of <see cref="WindowSamples"/> magnitudes: the sample before the
/// preamble, the 16 of the preamble, and 224 of data (112 bits).
/// </summary>
/// <remarks>
/// dump1090 measures magnitude as 360·|i + jq| with i, q = byte − 127; our magnitudes are |z| with
/// z = (byte − 127.5)/127.5, so one unit of ours is <see cref="DumpUnitsPerUnit"/> of its. Its thresholds are
/// kept, converted.
/// </remarks>
public static class ModeSDemodulator
{
    public const int PreambleSamples = 16;
    public const int DataSamples = 2 * ModeSFormat.LongBits;
    /// <summary>The sample before the preamble (for the phase estimate), the preamble, and a long frame's data.</summary>
    public const int WindowSamples = 1 + PreambleSamples + DataSamples;

    private const float DumpUnitsPerUnit = 360f * 127.5f;

    /// <summary>Two samples of one bit closer than this (dump1090: 256) say nothing: the bit repeats the one before.</summary>
    private const float AmbiguousDelta = 256f / DumpUnitsPerUnit;

    /// <summary>The mean |first − second| over a frame's bits must reach this (dump1090: 2550 on twice the mean) or it is noise.</summary>
    private const float MinimumMeanDelta = 1275f / DumpUnitsPerUnit;

    /// <summary>
    /// The preamble test: pulses at samples 0, 2, 7, 9 above their neighbours, and samples 4–5 and 11–14 below a sixth
    /// of the four pulses' sum. <paramref name="m"/> starts at the preamble's first sample.
    /// </summary>
    public static bool PreambleLooksRight(ReadOnlySpan<float> m)
    {
        if (!(m[0] > m[1] && m[1] < m[2] && m[2] > m[3] && m[3] < m[0] && m[4] < m[0] && m[5] < m[0] && m[6] < m[0]
              && m[7] > m[8] && m[8] < m[9] && m[9] > m[6]))
            return false;
        var high = (m[0] + m[2] + m[7] + m[9]) / 6;
        return m[4] < high && m[5] < high && m[11] < high && m[12] < high && m[13] < high && m[14] < high;
    }

    /// <summary>
    /// Demodulates the frame at the window's preamble into <paramref name="frame"/> (14 bytes; a short frame uses the
    /// first 7) and checks it. <paramref name="corrected"/> is scratch for the phase-corrected data samples when
    /// <paramref name="correctPhase"/> is set. <paramref name="bits"/> is the frame's length, <paramref name="repairedBits"/>
    /// 1 when one bit was repaired.
    /// </summary>
    public static ModeSDecodeResult Decode(ReadOnlySpan<float> window, bool correctPhase, bool repair, Span<float> corrected,
        Span<byte> frame, out int bits, out int repairedBits)
    {
        bits = 0;
        repairedBits = 0;
        var data = window.Slice(1 + PreambleSamples, DataSamples);
        if (correctPhase)
        {
            data.CopyTo(corrected);
            CorrectPhase(window, corrected);
            data = corrected;
        }
        if (!Slice(data, frame)) return ModeSDecodeResult.None;
        var df = ModeSFormat.DownlinkFormat(frame[0]);
        bits = ModeSFormat.Bits(df);
        // Strength is judged on the samples as received, as dump1090 does after undoing its correction.
        if (!StrongEnough(window.Slice(1 + PreambleSamples, 2 * bits))) return ModeSDecodeResult.None;
        var message = frame[..(bits / 8)];
        if (ModeSFormat.HasAddressParity(df)) return ModeSDecodeResult.NeedsKnownAddress;
        if (!ModeSFormat.HasAddressInClear(df)) return ModeSDecodeResult.None;
        var syndrome = ModeSCrc.Syndrome(message);
        if (syndrome == 0) return ModeSDecodeResult.SelfChecked;
        if (repair && ModeSBitRepair.TryRepair(message, syndrome) >= 0)
        {
            repairedBits = 1;
            return ModeSDecodeResult.SelfChecked;
        }
        return df == 11 && syndrome < ModeSFormat.InterrogatorCodeLimit ? ModeSDecodeResult.NeedsKnownAddress : ModeSDecodeResult.None;
    }

    /// <summary>
    /// Bits from sample pairs, packed into 14 bytes. A pair too close to call repeats the bit before it; false when the
    /// first pair is two equal samples (noise, not a pulse).
    /// </summary>
    private static bool Slice(ReadOnlySpan<float> data, Span<byte> frame)
    {
        if (data[0] == data[1]) return false;
        frame[..(ModeSFormat.LongBits / 8)].Clear();
        var bit = data[0] > data[1] ? 1 : 0;
        frame[0] = (byte)(bit << 7);
        for (var i = 1; i < ModeSFormat.LongBits; i++)
        {
            var first = data[2 * i];
            var second = data[2 * i + 1];
            if (MathF.Abs(first - second) >= AmbiguousDelta) bit = first > second ? 1 : 0;
            frame[i >> 3] |= (byte)(bit << (7 - (i & 7)));
        }
        return true;
    }

    private static bool StrongEnough(ReadOnlySpan<float> data)
    {
        var sum = 0f;
        for (var i = 0; i < data.Length; i += 2) sum += MathF.Abs(data[i] - data[i + 1]);
        return sum / (data.Length / 2) >= MinimumMeanDelta;
    }

    /// <summary>
    /// Phase correction (Oliver Jowett, as in dump1090): energy leaking from the preamble pulses into the samples
    /// before them means we sample late, into those after them early; each data sample is then scaled by how much
    /// its neighbouring bit's pulse spills into it.
    /// </summary>
    private static void CorrectPhase(ReadOnlySpan<float> window, Span<float> data)
    {
        // window[1] is the preamble's first sample, so preamble sample k is window[1 + k].
        var onTime = window[1] + window[3] + window[8] + window[10];
        var early = (window[0] + window[7]) * 2;
        var late = (window[4] + window[11]) * 2;
        if (early > late)
        {
            var up = 1 + early / (early + onTime);
            var down = 1 - early / (early + onTime);
            data[DataSamples - 1] *= up;
            for (var j = DataSamples - 2; j > 0; j -= 2) data[j - 1] *= data[j] > data[j + 1] ? down : up;
        }
        else
        {
            var up = 1 + late / (late + onTime);
            var down = 1 - late / (late + onTime);
            data[0] *= up;
            for (var j = 0; j < DataSamples - 2; j += 2) data[j + 2] *= data[j] > data[j + 1] ? up : down;
        }
    }
}
