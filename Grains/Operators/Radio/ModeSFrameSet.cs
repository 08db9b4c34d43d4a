using System.Globalization;

namespace Dagger.Orleans.Operators.Radio;

/// <summary>How a reported frame's parity was checked.</summary>
public enum ParityCheck
{
    /// <summary>DF 11/17/18: the parity is the CRC (syndrome 0).</summary>
    Crc,

    /// <summary>DF 0/4/5/16/20/21: the parity is the CRC XOR the address, and that address is known.</summary>
    Address,

    /// <summary>DF 11 with a known address in clear: the parity is the CRC XOR an interrogator's code (syndrome 1–79).</summary>
    InterrogatorCode,
}

/// <summary>A frame <see cref="ModeSFrameSet"/> reports, with its aircraft address (in clear, or recovered from the parity).</summary>
public readonly record struct ReportedFrame(long Offset, string Hex, int DownlinkFormat, int Address, ParityCheck Check, int BitsRepaired);

/// <summary>
/// The frames of a capture from the candidates of one or several detectors (overlapping chunks find the same frame at
/// the same offset). A candidate is reported when its parity checks and it does not start inside a frame already
/// reported.
/// </summary>
/// <remarks>
/// Parity checks: DF 11/17/18 when the CRC syndrome is 0 (after any repair the detector made); DF 0/4/5/16/20/21 when
/// the syndrome — the address the transmitter folded into the parity — is a known address; a DF 11 whose syndrome is
/// an interrogator's code (1–79) when the address it carries is known. Known addresses are those of DF 11/17/18 frames
/// with a clean CRC (syndrome 0, not repaired) anywhere among the candidates. dump1090 asks the same of addresses seen
/// before the frame; asking it of the whole set makes the answer independent of how the capture was split. Frames are taken in offset
/// order; one starting before the end of the last one reported is the same reply seen a sample or two later (or one
/// garbled by it) and is dropped, as dump1090 skips past a good frame.
/// </remarks>
public sealed class ModeSFrameSet
{
    private readonly Dictionary<long, ModeSFrame> _byOffset = [];

    /// <summary>Every distinct candidate added, in no particular order.</summary>
    public IEnumerable<ModeSFrame> Candidates => _byOffset.Values;

    /// <summary>Adds a candidate; the same one again (from an overlapping chunk) is ignored, a different one at the same offset is an error.</summary>
    public void Add(long offset, string hex, int bitsRepaired)
    {
        if (hex.Length is not (ModeSFormat.ShortBits / 4 or ModeSFormat.LongBits / 4) || !IsHex(hex))
            throw new FormatException($"the frame at sample offset {offset} is '{hex}', which is not 14 or 28 hex digits (a 56- or 112-bit Mode S frame)");
        if (bitsRepaired is not (0 or 1))
            throw new FormatException($"the frame at sample offset {offset} says {bitsRepaired} bits were repaired; a detector repairs 0 or 1");
        var frame = new ModeSFrame(offset, hex.ToUpperInvariant(), bitsRepaired);
        if (_byOffset.TryGetValue(offset, out var known))
        {
            if (known != frame)
                throw new InvalidOperationException($"two different frames at sample offset {offset}: {known.Hex} ({known.BitsRepaired} bits repaired) and {frame.Hex} ({frame.BitsRepaired}); overlapping chunks must decode a shared stretch alike");
            return;
        }
        _byOffset.Add(offset, frame);
    }

    /// <summary>The frames reported, in offset order.</summary>
    public List<ReportedFrame> Resolve()
    {
        var candidates = new List<ModeSFrame>(_byOffset.Values);
        candidates.Sort(static (a, b) => a.Offset.CompareTo(b.Offset));
        var known = new HashSet<int>();
        Span<byte> bytes = stackalloc byte[ModeSFormat.LongBits / 8];
        foreach (var c in candidates)
        {
            var frame = Parse(c.Hex, bytes);
            if (c.BitsRepaired == 0 && ModeSFormat.HasAddressInClear(c.DownlinkFormat) && ModeSCrc.Syndrome(frame) == 0)
                known.Add(ModeSFormat.AddressInClear(frame));
        }

        var reported = new List<ReportedFrame>();
        var end = long.MinValue;
        foreach (var c in candidates)
        {
            if (c.Offset < end) continue;
            var frame = Parse(c.Hex, bytes);
            var df = c.DownlinkFormat;
            if (ModeSFormat.Bits(df) != frame.Length * 8) continue;
            var syndrome = ModeSCrc.Syndrome(frame);
            int address;
            ParityCheck check;
            if (ModeSFormat.HasAddressInClear(df) && syndrome == 0) (address, check) = (ModeSFormat.AddressInClear(frame), ParityCheck.Crc);
            else if (ModeSFormat.HasAddressParity(df) && known.Contains(syndrome)) (address, check) = (syndrome, ParityCheck.Address);
            else if (df == 11 && c.BitsRepaired == 0 && syndrome < ModeSFormat.InterrogatorCodeLimit && known.Contains(ModeSFormat.AddressInClear(frame)))
                (address, check) = (ModeSFormat.AddressInClear(frame), ParityCheck.InterrogatorCode);
            else continue;
            reported.Add(new ReportedFrame(c.Offset, c.Hex, df, address, check, c.BitsRepaired));
            end = c.Offset + ModeSDemodulator.PreambleSamples + 2 * ModeSFormat.Bits(df);
        }
        return reported;
    }

    private static Span<byte> Parse(string hex, Span<byte> bytes)
    {
        var n = hex.Length / 2;
        for (var i = 0; i < n; i++) bytes[i] = byte.Parse(hex.AsSpan(2 * i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return bytes[..n];
    }

    private static bool IsHex(string s)
    {
        foreach (var ch in s)
        {
            if (!char.IsAsciiHexDigit(ch)) return false;
        }
        return true;
    }
}
