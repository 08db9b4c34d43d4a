using System.Globalization;

namespace Dagger.Orleans.Operators.Radio;

/// <summary>
/// Which of a detector's frame candidates, taken in sample order as they arrive, are messages: the rules of
/// <see cref="ModeSFrameSet"/>, except that an address counts as known only once a clean frame has carried it
/// <em>before</em> — as dump1090 decides, and as a decoder that keeps up with a live stream must.
/// </summary>
/// <remarks>
/// Accepted: DF 11/17/18 with CRC syndrome 0 (one repaired by the detector only when its address is already known,
/// since the repair may have made the address up); a DF 11 with an interrogator code (syndrome 1–79) and a known
/// address in clear; DF 0/4/5/16/20/21 whose syndrome is a known address. Known addresses: those of unrepaired DF
/// 11/17/18 frames with syndrome 0. A candidate starting before the end of the last accepted frame is the same reply
/// seen again (or one garbled by it) and is dropped.
/// </remarks>
public sealed class AdsbFrameFilter
{
    private readonly HashSet<int> _known = [];
    private long _end = long.MinValue;
    private long _last = long.MinValue;

    /// <summary>Addresses seen in clean DF 11/17/18 frames so far.</summary>
    public IReadOnlyCollection<int> KnownAddresses => _known;

    /// <summary>Sample offset of the last candidate taken, and where the last accepted frame ends.</summary>
    public (long Last, long End) Position => (_last, _end);

    /// <summary>
    /// Checks one candidate; when it is a message, writes its bytes to <paramref name="frame"/> (14 bytes of room) and
    /// returns its length in bytes with its address and source; else returns 0.
    /// </summary>
    public int Accept(long offset, string hex, int bitsRepaired, Span<byte> frame, out int address, out MessageSource source)
    {
        (address, source) = (0, MessageSource.None);
        if (offset < _last)
            throw new InvalidOperationException($"the frame at sample offset {offset} came after one at {_last}: adsb_decode takes the frames of one modes_detect, in the order it finds them (merged chunks arrive out of order)");
        _last = offset;
        var length = Parse(offset, hex, frame);
        if (bitsRepaired is not (0 or 1))
            throw new FormatException($"the frame at sample offset {offset} says {bitsRepaired} bits were repaired; a detector repairs 0 or 1");
        if (offset < _end) return 0;
        var bytes = frame[..length];
        var df = ModeSFormat.DownlinkFormat(bytes[0]);
        if (ModeSFormat.Bits(df) != length * 8) return 0;
        var syndrome = ModeSCrc.Syndrome(bytes);
        if (ModeSFormat.HasAddressInClear(df))
        {
            address = ModeSFormat.AddressInClear(bytes);
            var clean = syndrome == 0 && (bitsRepaired == 0 || _known.Contains(address));
            var interrogator = df == 11 && bitsRepaired == 0 && syndrome < ModeSFormat.InterrogatorCodeLimit && _known.Contains(address);
            if (!clean && !interrogator) return 0;
            if (syndrome == 0 && bitsRepaired == 0) _known.Add(address);
            source = df == 11 ? MessageSource.ModeSChecked : MessageSource.Adsb;
        }
        else if (ModeSFormat.HasAddressParity(df) && _known.Contains(syndrome))
        {
            (address, source) = (syndrome, MessageSource.ModeS);
        }
        else
        {
            return 0;
        }
        _end = offset + ModeSDemodulator.PreambleSamples + 2 * ModeSFormat.Bits(df);
        return length;
    }

    /// <summary>Writes the state as properties of the object being written: <c>last</c>, <c>end</c>, <c>known</c>.</summary>
    public void WriteState(System.Text.Json.Utf8JsonWriter writer)
    {
        writer.WriteNumber("last", _last);
        writer.WriteNumber("end", _end);
        writer.WriteStartArray("known");
        foreach (var a in _known) writer.WriteNumberValue(a);
        writer.WriteEndArray();
    }

    /// <summary>Takes back what <see cref="WriteState"/> wrote into <paramref name="state"/>.</summary>
    public void ReadState(System.Text.Json.JsonElement state) =>
        Restore(state.GetProperty("known").EnumerateArray().Select(a => a.GetInt32()), state.GetProperty("last").GetInt64(), state.GetProperty("end").GetInt64());

    /// <summary>Takes back a filter's state (<see cref="KnownAddresses"/>, <see cref="Position"/>).</summary>
    public void Restore(IEnumerable<int> known, long last, long end)
    {
        foreach (var a in known) _known.Add(a);
        (_last, _end) = (last, end);
    }

    private static int Parse(long offset, string hex, Span<byte> frame)
    {
        if (hex.Length is not (ModeSFormat.ShortBits / 4 or ModeSFormat.LongBits / 4))
            throw new FormatException($"the frame at sample offset {offset} is '{hex}', which is not 14 or 28 hex digits (a 56- or 112-bit Mode S frame)");
        var n = hex.Length / 2;
        for (var i = 0; i < n; i++)
        {
            if (!byte.TryParse(hex.AsSpan(2 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out frame[i]))
                throw new FormatException($"the frame at sample offset {offset} is '{hex}', which is not hex digits");
        }
        return n;
    }
}
