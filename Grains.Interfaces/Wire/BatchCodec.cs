using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.WireProtocol;

namespace Dagger.Orleans.Wire;

/// <summary>
/// How a <see cref="Batch"/> crosses a silo boundary: one length-prefixed field holding a fixed header and the
/// elements' bytes only (not the whole pooled buffer), read back into a buffer rented from the pool. Records are
/// written as key, value and an optional UTF-8 label.
/// </summary>
[RegisterSerializer]
public sealed class BatchCodec : IFieldCodec<Batch>
{
    // sequence (8) · kind (1) · count (4) · width (4) · final (1)
    private const int HeaderSize = 18;

    // key (8) · value (8) · label length (4)
    private const int MinRecordSize = 20;

    /// <summary>The most element bytes a batch on the wire may declare (256 MiB): far past any batch a node emits.</summary>
    public const long MaxPayloadBytes = 256L << 20;

    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, Batch? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        // Null, or a batch already written in this message: a reference field.
        if (ReferenceCodec.TryWriteReferenceField(ref writer, fieldIdDelta, expectedType, value)) return;
        writer.WriteFieldHeader(fieldIdDelta, expectedType, typeof(Batch), WireType.LengthPrefixed);
        var payload = value.Final ? 0 : value.Kind == ElementKind.Record ? RecordsSize(value) : value.ElementBytes.Length;
        writer.WriteVarUInt32((uint)(HeaderSize + payload));
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteInt64LittleEndian(header, value.Sequence);
        header[8] = (byte)value.Kind;
        BinaryPrimitives.WriteInt32LittleEndian(header[9..], value.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[13..], value.Width);
        header[17] = value.Final ? (byte)1 : (byte)0;
        writer.Write(header);
        if (value.Final) return;
        if (value.Kind == ElementKind.Record) WriteRecords(ref writer, value);
        else writer.Write(value.ElementBytes);
    }

    public Batch ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        if (field.WireType == WireType.Reference) return ReferenceCodec.ReadReference<Batch, TInput>(ref reader, field)!;
        field.EnsureWireType(WireType.LengthPrefixed);
        var length = reader.ReadVarUInt32();
        Span<byte> header = stackalloc byte[HeaderSize];
        reader.ReadBytes(header);
        var kind = (ElementKind)header[8];
        var count = BinaryPrimitives.ReadInt32LittleEndian(header[9..]);
        var width = BinaryPrimitives.ReadInt32LittleEndian(header[13..]);
        var final = header[17] != 0;
        if (!Enum.IsDefined(kind) || count < 0 || width < 1)
            throw new InvalidDataException($"a batch on the wire has kind {header[8]}, count {count}, width {width}: not a batch this version writes");
        // Checked before anything is rented: a corrupt header must not make the pool hand out gigabytes.
        var least = final ? 0 : kind == ElementKind.Record ? (long)count * MinRecordSize : (long)count * Batch.ElementSize(kind, 1) * (Batch.HasWidth(kind) ? width : 1);
        if (least > MaxPayloadBytes || HeaderSize + least > length || (kind != ElementKind.Record && !final && HeaderSize + least != length))
            throw new InvalidDataException($"a batch on the wire declares {length} bytes for {count} {kind} elements of width {width}: its header is corrupt");
        var batch = Batch.Received(BinaryPrimitives.ReadInt64LittleEndian(header), kind, count, width, final);
        if (!final)
        {
            if (kind == ElementKind.Record) ReadRecords(ref reader, batch);
            else reader.ReadBytes(batch.ElementBytes);
        }
        if (length != HeaderSize + (final ? 0 : kind == ElementKind.Record ? RecordsSize(batch) : batch.ElementBytes.Length))
            throw new InvalidDataException($"a batch on the wire declared {length} bytes but its contents took a different number");
        ReferenceCodec.RecordObject(reader.Session, batch);
        return batch;
    }

    private static int RecordsSize(Batch batch)
    {
        var size = 0;
        foreach (var r in batch.RecordSpan) size += 8 + 8 + 4 + (r.Label is null ? 0 : Encoding.UTF8.GetByteCount(r.Label));
        return size;
    }

    private static void WriteRecords<TBufferWriter>(ref Writer<TBufferWriter> writer, Batch batch) where TBufferWriter : IBufferWriter<byte>
    {
        Span<byte> fixedPart = stackalloc byte[20];
        foreach (var r in batch.RecordSpan)
        {
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart, r.Key);
            BinaryPrimitives.WriteDoubleLittleEndian(fixedPart[8..], r.Value);
            var label = r.Label is null ? -1 : Encoding.UTF8.GetByteCount(r.Label);
            BinaryPrimitives.WriteInt32LittleEndian(fixedPart[16..], label);
            writer.Write(fixedPart);
            if (label > 0) writer.Write(Encoding.UTF8.GetBytes(r.Label!));
        }
    }

    private static void ReadRecords<TInput>(ref Reader<TInput> reader, Batch batch)
    {
        Span<byte> fixedPart = stackalloc byte[20];
        var records = batch.Records!;
        for (var i = 0; i < batch.Count; i++)
        {
            reader.ReadBytes(fixedPart);
            var label = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[16..]);
            records[i] = new Record
            {
                Key = BinaryPrimitives.ReadInt64LittleEndian(fixedPart),
                Value = BinaryPrimitives.ReadDoubleLittleEndian(fixedPart[8..]),
                Label = label < 0 ? null : label == 0 ? "" : Encoding.UTF8.GetString(reader.ReadBytes((uint)label)),
            };
        }
    }
}

/// <summary>Within a silo a batch is passed by reference: ownership rules (<see cref="Batch.IsExclusive"/>) keep that safe.</summary>
[RegisterCopier]
public sealed class BatchCopier : IDeepCopier<Batch>
{
    public Batch? DeepCopy(Batch? input, CopyContext context) => input;
}
