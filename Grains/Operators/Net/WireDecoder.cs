using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Dagger.Orleans.Operators.Radio;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Net;

/// <summary>
/// Turns received bytes into elements (<see cref="WireFormats"/>). <see cref="Decode"/> takes as many whole units
/// (samples, elements, frames, lines) as the bytes hold and returns how many bytes it used; the rest waits for more.
/// </summary>
internal abstract class WireDecoder
{
    /// <summary>The most bytes one unit may take: a receive buffer holds at least this.</summary>
    public abstract int MaxUnitBytes { get; }

    /// <summary>Bytes skipped as not of the format (a garbled line, a Beast message of an unknown type).</summary>
    public long Invalid { get; protected set; }

    public abstract int Decode(ReadOnlySpan<byte> data, OutputBuffer output);

    /// <summary>What is left when the peer closes: a last line without its newline still counts; a partial sample does not.</summary>
    public virtual void End(ReadOnlySpan<byte> rest, OutputBuffer output) => Invalid += rest.Length;

    public static WireDecoder For(string format, int width, int maxFrame) => format switch
    {
        WireFormats.F32 => new Float32Decoder(),
        WireFormats.I16 => new Int16Decoder(),
        WireFormats.Cf32 or WireFormats.Cu8 => new ComplexDecoder(width, format == WireFormats.Cu8),
        WireFormats.Frames => new FrameDecoder(maxFrame),
        WireFormats.Lines => new LineDecoder(maxFrame),
        WireFormats.Avr => new AvrDecoder(),
        WireFormats.Beast => new BeastDecoder(),
        _ => throw new ArgumentException($"unknown format '{format}' (one of {string.Join(", ", WireFormats.Stream)})", nameof(format)),
    };
}

internal sealed class Float32Decoder : WireDecoder
{
    public override int MaxUnitBytes => 4;

    public override int Decode(ReadOnlySpan<byte> data, OutputBuffer output)
    {
        var floats = MemoryMarshal.Cast<byte, float>(data[..(data.Length & ~3)]);
        while (floats.Length > 0)
        {
            var room = output.Next<float>(floats.Length);
            floats[..room.Length].CopyTo(room);
            output.Advance(room.Length);
            floats = floats[room.Length..];
        }
        return data.Length & ~3;
    }
}

internal sealed class Int16Decoder : WireDecoder
{
    public override int MaxUnitBytes => 2;

    public override int Decode(ReadOnlySpan<byte> data, OutputBuffer output)
    {
        var values = MemoryMarshal.Cast<byte, short>(data[..(data.Length & ~1)]);
        while (values.Length > 0)
        {
            var room = output.Next<float>(values.Length);
            for (var i = 0; i < room.Length; i++) room[i] = values[i] / 32768f;
            output.Advance(room.Length);
            values = values[room.Length..];
        }
        return data.Length & ~1;
    }
}

/// <summary>
/// cf32 or cu8 samples, <c>width</c> to an element: a partial element waits for the rest of its samples; at the end of
/// the stream the samples short of a whole element go out as a shorter one, as <c>iq_file</c> ends a file.
/// </summary>
internal sealed class ComplexDecoder(int width, bool bytes) : WireDecoder
{
    private readonly int _elementBytes = width * (bytes ? 2 : 8);

    public override int MaxUnitBytes => _elementBytes;

    /// <summary>Bytes of one complex sample.</summary>
    public int SampleBytes => bytes ? 2 : 8;

    public override void End(ReadOnlySpan<byte> rest, OutputBuffer output)
    {
        var samples = rest.Length / SampleBytes;
        if (samples > 0) new ComplexDecoder(samples, bytes).Decode(rest[..(samples * SampleBytes)], output);
        Invalid += rest.Length - samples * SampleBytes;
    }

    public override int Decode(ReadOnlySpan<byte> data, OutputBuffer output)
    {
        var used = 0;
        while (data.Length - used >= _elementBytes)
        {
            var element = data.Slice(used, _elementBytes);
            var samples = output.NextComplex(width);
            if (bytes)
            {
                for (var i = 0; i < element.Length; i++) samples[i] = (element[i] - 127.5f) / 127.5f;
            }
            else
            {
                MemoryMarshal.Cast<byte, float>(element).CopyTo(samples);
            }
            used += _elementBytes;
        }
        return used;
    }
}

/// <summary>Length-prefixed frames of float32 values, one vector element each; an empty frame carries no element.</summary>
internal sealed class FrameDecoder(int maxFrame) : WireDecoder
{
    public override int MaxUnitBytes => maxFrame + 4;

    public override int Decode(ReadOnlySpan<byte> data, OutputBuffer output)
    {
        var used = 0;
        while (data.Length - used >= 4)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[used..]);
            if (length > (uint)maxFrame || length % 4 != 0)
                throw new InvalidDataException($"a frame of {length} bytes: frames hold float32 values (a multiple of 4 bytes) and at most max_frame = {maxFrame} bytes");
            if (data.Length - used - 4 < length) break;
            if (length > 0) MemoryMarshal.Cast<byte, float>(data.Slice(used + 4, (int)length)).CopyTo(output.NextVector((int)length / 4));
            used += 4 + (int)length;
        }
        return used;
    }
}

/// <summary>Newline-terminated text (a trailing carriage return is dropped), one record per line.</summary>
internal sealed class LineDecoder(int maxLine) : WireDecoder
{
    private long _line;

    public override int MaxUnitBytes => maxLine + 1;

    public override int Decode(ReadOnlySpan<byte> data, OutputBuffer output)
    {
        var used = 0;
        while (true)
        {
            var end = data[used..].IndexOf((byte)'\n');
            if (end < 0)
            {
                if (data.Length - used > maxLine) throw new InvalidDataException($"line {_line} is longer than max_frame = {maxLine} bytes");
                return used;
            }
            Emit(data.Slice(used, end), output);
            used += end + 1;
        }
    }

    public override void End(ReadOnlySpan<byte> rest, OutputBuffer output)
    {
        if (rest.Length > 0) Emit(rest, output);
    }

    private void Emit(ReadOnlySpan<byte> line, OutputBuffer output)
    {
        if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
        var text = Encoding.UTF8.GetString(line);
        var value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
        output.WriteRecord(new Record { Key = _line++, Value = value, Label = text });
    }
}

/// <summary>
/// Keys for Mode S frames that came without a sample offset, so that <c>adsb_decode</c> takes them as a detector's
/// frames: the Beast 12 MHz timestamp over 6 (a 2 Msps sample offset, so our own Beast frames keep their keys on a
/// round trip), else the time of arrival in 2 Msps samples; and never before the end of the frame before (its
/// preamble and bits), which the decoder would take for the same reply seen twice.
/// </summary>
internal sealed class ModeSKeys
{
    private readonly long _start = System.Diagnostics.Stopwatch.GetTimestamp();
    private long _end = long.MinValue;

    public long Next(long timestamp12MHz, int bits)
    {
        var candidate = timestamp12MHz > 0
            ? timestamp12MHz / 6
            : (long)(System.Diagnostics.Stopwatch.GetElapsedTime(_start).TotalSeconds * AdsbDecodeOperator.SampleRate);
        var key = Math.Max(candidate, _end);
        _end = key + ModeSDemodulator.PreambleSamples + 2 * bits;
        return key;
    }
}

/// <summary>
/// AVR raw text: <c>*HEX;</c> or, with a 12 MHz timestamp, <c>@TTTTTTTTTTTTHEX;</c>, one a line. Mode A/C replies
/// (4 hex digits) are counted, not emitted; a line of neither form counts as invalid.
/// </summary>
internal sealed class AvrDecoder : WireDecoder
{
    private const int MaxLine = 64;
    private readonly ModeSKeys _keys = new();

    public long ModeAc { get; private set; }

    public override int MaxUnitBytes => MaxLine + 1;

    public override int Decode(ReadOnlySpan<byte> data, OutputBuffer output)
    {
        var used = 0;
        while (true)
        {
            var end = data[used..].IndexOf((byte)'\n');
            if (end < 0)
            {
                // A peer that never sends a newline is not speaking AVR: drop what cannot be a line.
                if (data.Length - used <= MaxLine) return used;
                Invalid += data.Length - used;
                return data.Length;
            }
            Line(data.Slice(used, end).Trim("\r ;"u8), output);
            used += end + 1;
        }
    }

    public override void End(ReadOnlySpan<byte> rest, OutputBuffer output)
    {
        if (rest.Length > 0) Line(rest.Trim("\r ;"u8), output);
    }

    private void Line(ReadOnlySpan<byte> line, OutputBuffer output)
    {
        if (line.IsEmpty) return;
        long timestamp = 0;
        var hex = line[1..];
        if (line[0] == '@' && hex.Length > 12)
        {
            if (!long.TryParse(Encoding.ASCII.GetString(hex[..12]), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out timestamp))
            {
                Invalid += line.Length;
                return;
            }
            hex = hex[12..];
        }
        else if (line[0] != '*')
        {
            Invalid += line.Length;
            return;
        }
        if (hex.Length == 4 && IsHex(hex))
        {
            ModeAc++;
            return;
        }
        if (hex.Length is not (ModeSFormat.ShortBits / 4 or ModeSFormat.LongBits / 4) || !IsHex(hex))
        {
            Invalid += line.Length;
            return;
        }
        var text = Encoding.ASCII.GetString(hex).ToUpperInvariant();
        output.WriteRecord(new Record { Key = _keys.Next(timestamp, hex.Length * 4), Value = 0, Label = text });
    }

    private static bool IsHex(ReadOnlySpan<byte> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit((char)c)) return false;
        }
        return true;
    }
}

/// <summary>
/// The Beast binary form: 0x1A, a type ('1' Mode A/C, 2 bytes; '2' Mode S short, 7; '3' Mode S long, 14), a 6-byte
/// 12 MHz timestamp, a signal byte, the frame; a 0x1A inside is sent twice. Mode A/C is counted, not emitted;
/// bytes that do not start a message count as invalid until the next 0x1A.
/// </summary>
internal sealed class BeastDecoder : WireDecoder
{
    private const byte Escape = 0x1A;
    private readonly ModeSKeys _keys = new();
    private readonly byte[] _message = new byte[6 + 1 + 14];

    public long ModeAc { get; private set; }

    // Every byte of the longest message escaped, and its two-byte start.
    public override int MaxUnitBytes => 2 + 2 * 21;

    public override int Decode(ReadOnlySpan<byte> data, OutputBuffer output)
    {
        var used = 0;
        while (used < data.Length)
        {
            if (data[used] != Escape)
            {
                Invalid++;
                used++;
                continue;
            }
            if (data.Length - used < 2) return used;
            var length = data[used + 1] switch { (byte)'1' => 2, (byte)'2' => 7, (byte)'3' => 14, _ => -1 };
            if (length < 0)
            {
                // Not a message start (perhaps the second half of an escaped 0x1A we joined late): skip it.
                Invalid++;
                used++;
                continue;
            }
            var taken = Unescape(data[(used + 2)..], 7 + length);
            if (taken == NeedMore) return used;
            if (taken == Broken)
            {
                // A lone 0x1A inside: a new message started where this one should have gone on.
                Invalid += 2;
                used += 2;
                continue;
            }
            used += 2 + taken;
            if (length == 2)
            {
                ModeAc++;
                continue;
            }
            var timestamp = 0L;
            for (var i = 0; i < 6; i++) timestamp = timestamp << 8 | _message[i];
            var hex = Convert.ToHexString(_message, 7, length);
            output.WriteRecord(new Record { Key = _keys.Next(timestamp, length * 8), Value = 0, Label = hex });
        }
        return used;
    }

    private const int NeedMore = -1, Broken = -2;

    /// <summary>Reads <paramref name="count"/> bytes into the message, undoubling 0x1A; returns the bytes used, <see cref="NeedMore"/>
    /// or <see cref="Broken"/> (a single 0x1A inside).</summary>
    private int Unescape(ReadOnlySpan<byte> data, int count)
    {
        var at = 0;
        for (var n = 0; n < count; n++)
        {
            if (at >= data.Length) return NeedMore;
            var b = data[at++];
            if (b == Escape)
            {
                if (at >= data.Length) return NeedMore;
                if (data[at] != Escape) return Broken;
                at++;
            }
            _message[n] = b;
        }
        return at;
    }
}
