using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// A batch as it lies in an shm ring: a 24-byte header (sequence, kind, final flag, count, width) and the elements —
/// numeric ones as their bytes, records as key, value and a length-prefixed UTF-8 label each.
/// </summary>
internal static class ShmBatchFormat
{
    public const int HeaderBytes = 24;

    /// <summary>Bytes <paramref name="batch"/> takes in a ring.</summary>
    public static int SizeOf(Batch batch)
    {
        if (batch.Final) return HeaderBytes;
        if (batch.Kind != ElementKind.Record) return HeaderBytes + batch.Count * Batch.ElementSize(batch.Kind, batch.Width);
        var size = HeaderBytes;
        foreach (var record in batch.Records.AsSpan(0, batch.Count)) size += 20 + (record.Label is null ? 0 : Encoding.UTF8.GetByteCount(record.Label));
        return size;
    }

    public static void Write(Batch batch, Span<byte> to)
    {
        BinaryPrimitives.WriteInt64LittleEndian(to, batch.Sequence);
        to[8] = (byte)batch.Kind;
        to[9] = batch.Final ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(to[12..], batch.Count);
        BinaryPrimitives.WriteInt32LittleEndian(to[16..], batch.Width);
        if (batch.Final) return;
        var body = to[HeaderBytes..];
        if (batch.Kind != ElementKind.Record)
        {
            batch.Data.AsSpan(0, batch.Count * Batch.ElementSize(batch.Kind, batch.Width)).CopyTo(body);
            return;
        }
        foreach (var record in batch.Records.AsSpan(0, batch.Count))
        {
            BinaryPrimitives.WriteInt64LittleEndian(body, record.Key);
            BinaryPrimitives.WriteDoubleLittleEndian(body[8..], record.Value);
            var length = record.Label is null ? -1 : Encoding.UTF8.GetBytes(record.Label, body[20..]);
            BinaryPrimitives.WriteInt32LittleEndian(body[16..], length);
            body = body[(20 + Math.Max(length, 0))..];
        }
    }

    /// <summary>The batch in <paramref name="from"/>, copied into a pooled batch its reader owns alone.</summary>
    public static Batch Read(ReadOnlySpan<byte> from)
    {
        var sequence = BinaryPrimitives.ReadInt64LittleEndian(from);
        var kind = (ElementKind)from[8];
        var count = BinaryPrimitives.ReadInt32LittleEndian(from[12..]);
        var width = BinaryPrimitives.ReadInt32LittleEndian(from[16..]);
        if (from[9] != 0) return Batch.EndOfStream(sequence);
        if (!Enum.IsDefined(kind) || count < 0 || width < 1)
            throw new InvalidDataException($"an shm ring holds a batch of kind {from[8]}, count {count}, width {width}: the ring is corrupt");
        var batch = Batch.Rent(kind, Math.Max(count, 1), width);
        batch.Sequence = sequence;
        batch.Count = count;
        var body = from[HeaderBytes..];
        if (kind != ElementKind.Record)
        {
            body[..(count * Batch.ElementSize(kind, width))].CopyTo(batch.Data);
            return batch;
        }
        var records = batch.Records!;
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(body[16..]);
            records[i] = new Record
            {
                Key = BinaryPrimitives.ReadInt64LittleEndian(body),
                Value = BinaryPrimitives.ReadDoubleLittleEndian(body[8..]),
                Label = length < 0 ? null : Encoding.UTF8.GetString(body.Slice(20, length)),
            };
            body = body[(20 + Math.Max(length, 0))..];
        }
        return batch;
    }
}
