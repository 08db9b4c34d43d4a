using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Dagger.Orleans.Operators.Radio;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Net;

/// <summary>
/// Turns a batch into bytes of a format (<see cref="WireFormats"/>), the inverse of <see cref="WireDecoder"/>: what a
/// sink writes, a source of the same format reads back as the same elements (to float32 precision).
/// </summary>
internal abstract class WireEncoder
{
    /// <summary>
    /// The bytes of <paramref name="batch"/>: its own memory when the format is its layout (float32 elements as
    /// <c>f32</c>, complex as <c>cf32</c>: nothing is copied), else encoded into <paramref name="scratch"/>.
    /// </summary>
    public abstract ReadOnlyMemory<byte> Encode(InputBatch batch, ArrayBufferWriter<byte> scratch);

    public static WireEncoder For(string format) => format switch
    {
        WireFormats.F32 => new Float32Encoder(),
        WireFormats.I16 => new Int16Encoder(),
        WireFormats.Cf32 => new ComplexEncoder(bytes: false),
        WireFormats.Cu8 => new ComplexEncoder(bytes: true),
        WireFormats.Frames => new FrameEncoder(),
        WireFormats.Lines => new LineEncoder(),
        WireFormats.Avr => new AvrEncoder(),
        WireFormats.Beast => new BeastEncoder(),
        _ => throw new ArgumentException($"unknown format '{format}' (one of {string.Join(", ", WireFormats.Stream)})", nameof(format)),
    };

    /// <summary>Every number of a numeric batch as a float: scalars, vector components, complex re and im parts.</summary>
    protected static void Values(InputBatch batch, Span<float> into)
    {
        switch (batch.Kind)
        {
            case ElementKind.Int64:
                var longs = batch.Int64s;
                for (var i = 0; i < longs.Length; i++) into[i] = longs[i];
                break;
            case ElementKind.Float64:
                var doubles = batch.Float64s;
                for (var i = 0; i < doubles.Length; i++) into[i] = (float)doubles[i];
                break;
            case ElementKind.Record:
                var records = batch.Records;
                for (var i = 0; i < records.Length; i++) into[i] = (float)records[i].Value;
                break;
            default:
                batch.Float32s.CopyTo(into);
                break;
        }
    }

    protected static int ValueCount(InputBatch batch) => batch.Kind is ElementKind.Int64 or ElementKind.Float64 or ElementKind.Record ? batch.Count : batch.Float32s.Length;
}

internal sealed class Float32Encoder : WireEncoder
{
    public override ReadOnlyMemory<byte> Encode(InputBatch batch, ArrayBufferWriter<byte> scratch)
    {
        if (batch.Kind is ElementKind.Float32 or ElementKind.Vector or ElementKind.Complex)
            return batch.ElementMemory;
        var n = ValueCount(batch);
        Values(batch, MemoryMarshal.Cast<byte, float>(scratch.GetSpan(4 * n))[..n]);
        scratch.Advance(4 * n);
        return scratch.WrittenMemory;
    }
}

internal sealed class Int16Encoder : WireEncoder
{
    public override ReadOnlyMemory<byte> Encode(InputBatch batch, ArrayBufferWriter<byte> scratch)
    {
        var n = ValueCount(batch);
        var floats = ArrayPool<float>.Shared.Rent(n);
        try
        {
            Values(batch, floats);
            var shorts = MemoryMarshal.Cast<byte, short>(scratch.GetSpan(2 * n))[..n];
            for (var i = 0; i < n; i++) shorts[i] = (short)Math.Clamp(MathF.Round(floats[i] * 32768f), short.MinValue, short.MaxValue);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(floats);
        }
        scratch.Advance(2 * n);
        return scratch.WrittenMemory;
    }
}

internal sealed class ComplexEncoder(bool bytes) : WireEncoder
{
    public override ReadOnlyMemory<byte> Encode(InputBatch batch, ArrayBufferWriter<byte> scratch)
    {
        if (batch.Kind != ElementKind.Complex)
            throw new InvalidOperationException($"format {(bytes ? "cu8" : "cf32")} writes complex elements (as iq_file or chirp emit), not {batch.Kind} elements");
        var floats = batch.Float32s;
        if (!bytes) return batch.ElementMemory;
        var into = scratch.GetSpan(floats.Length)[..floats.Length];
        for (var i = 0; i < floats.Length; i++) into[i] = (byte)Math.Clamp(MathF.Round(floats[i] * 127.5f + 127.5f), 0, 255);
        scratch.Advance(floats.Length);
        return scratch.WrittenMemory;
    }
}

/// <summary>A vector or complex element is a frame of its floats; a batch of scalars is one frame.</summary>
internal sealed class FrameEncoder : WireEncoder
{
    public override ReadOnlyMemory<byte> Encode(InputBatch batch, ArrayBufferWriter<byte> scratch)
    {
        if (Batch.HasWidth(batch.Kind))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var floats = batch.Kind == ElementKind.Complex ? batch.ComplexVector(i) : batch.Vector(i);
                Frame(MemoryMarshal.AsBytes(floats), scratch);
            }
            return scratch.WrittenMemory;
        }
        var n = ValueCount(batch);
        var values = ArrayPool<float>.Shared.Rent(n);
        try
        {
            Values(batch, values);
            Frame(MemoryMarshal.AsBytes(values.AsSpan(0, n)), scratch);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(values);
        }
        return scratch.WrittenMemory;
    }

    private static void Frame(ReadOnlySpan<byte> payload, ArrayBufferWriter<byte> scratch)
    {
        BinaryPrimitives.WriteUInt32BigEndian(scratch.GetSpan(4), (uint)payload.Length);
        scratch.Advance(4);
        scratch.Write(payload);
    }
}

/// <summary>One line per element: a number, a vector's components separated by spaces, a record's label (or its value without one).</summary>
internal sealed class LineEncoder : WireEncoder
{
    public override ReadOnlyMemory<byte> Encode(InputBatch batch, ArrayBufferWriter<byte> scratch)
    {
        var text = new StringBuilder();
        for (var i = 0; i < batch.Count; i++)
        {
            switch (batch.Kind)
            {
                case ElementKind.Int64: text.Append(batch.Int64s[i].ToString(CultureInfo.InvariantCulture)); break;
                case ElementKind.Float64: text.Append(batch.Float64s[i].ToString("R", CultureInfo.InvariantCulture)); break;
                case ElementKind.Float32: text.Append(batch.Float32s[i].ToString("R", CultureInfo.InvariantCulture)); break;
                case ElementKind.Record:
                    var r = batch.Records[i];
                    text.Append(r.Label ?? r.Value.ToString("R", CultureInfo.InvariantCulture));
                    break;
                default:
                    var v = batch.Kind == ElementKind.Complex ? batch.ComplexVector(i) : batch.Vector(i);
                    for (var j = 0; j < v.Length; j++) text.Append(j == 0 ? "" : " ").Append(v[j].ToString("R", CultureInfo.InvariantCulture));
                    break;
            }
            text.Append('\n');
        }
        var count = Encoding.UTF8.GetByteCount(text.ToString());
        Encoding.UTF8.GetBytes(text.ToString(), scratch.GetSpan(count));
        scratch.Advance(count);
        return scratch.WrittenMemory;
    }
}

/// <summary>The Mode S frames of records (label = the frame in hex, as modes_detect, modes_accept and a Mode S source emit them).</summary>
internal abstract class ModeSEncoder : WireEncoder
{
    private readonly byte[] _frame = new byte[ModeSFormat.LongBits / 8];

    public sealed override ReadOnlyMemory<byte> Encode(InputBatch batch, ArrayBufferWriter<byte> scratch)
    {
        if (batch.Kind != ElementKind.Record)
            throw new InvalidOperationException($"a Mode S sink writes the records modes_detect or modes_accept emit (label = the frame in hex), not {batch.Kind} elements");
        foreach (var record in batch.Records)
        {
            var hex = record.Label ?? "";
            if (hex.Length is not (ModeSFormat.ShortBits / 4 or ModeSFormat.LongBits / 4) || !TryParseHex(hex, _frame))
                throw new InvalidOperationException($"the record at key {record.Key} has label '{hex}', which is not a Mode S frame (14 or 28 hex digits)");
            Write(record.Key, _frame.AsSpan(0, hex.Length / 2), scratch);
        }
        return scratch.WrittenMemory;
    }

    protected abstract void Write(long key, ReadOnlySpan<byte> frame, ArrayBufferWriter<byte> scratch);

    private static bool TryParseHex(string hex, Span<byte> into)
    {
        for (var i = 0; i < hex.Length / 2; i++)
        {
            if (!byte.TryParse(hex.AsSpan(2 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out into[i])) return false;
        }
        return true;
    }
}

internal sealed class AvrEncoder : ModeSEncoder
{
    protected override void Write(long key, ReadOnlySpan<byte> frame, ArrayBufferWriter<byte> scratch)
    {
        var line = scratch.GetSpan(2 * frame.Length + 3);
        line[0] = (byte)'*';
        Convert.TryToHexString(frame, line.Slice(1, 2 * frame.Length), out _);
        line[1 + 2 * frame.Length] = (byte)';';
        line[2 + 2 * frame.Length] = (byte)'\n';
        scratch.Advance(2 * frame.Length + 3);
    }
}

/// <summary>Beast messages: the key (a 2 Msps sample offset) × 6 as the 12 MHz timestamp, signal byte 0.</summary>
internal sealed class BeastEncoder : ModeSEncoder
{
    private const byte Escape = 0x1A;

    protected override void Write(long key, ReadOnlySpan<byte> frame, ArrayBufferWriter<byte> scratch)
    {
        var header = scratch.GetSpan(2);
        header[0] = Escape;
        header[1] = frame.Length == 7 ? (byte)'2' : (byte)'3';
        scratch.Advance(2);
        var timestamp = Math.Max(0, key) * 6 & 0xFFFF_FFFF_FFFF;
        for (var i = 5; i >= 0; i--) Put((byte)(timestamp >> (8 * i)), scratch);
        Put(0, scratch);
        foreach (var b in frame) Put(b, scratch);
    }

    private static void Put(byte b, ArrayBufferWriter<byte> scratch)
    {
        var span = scratch.GetSpan(2);
        span[0] = b;
        if (b != Escape)
        {
            scratch.Advance(1);
            return;
        }
        span[1] = Escape;
        scratch.Advance(2);
    }
}
