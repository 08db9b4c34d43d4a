using System.Buffers;
using System.Buffers.Binary;

namespace Dagger.Orleans.Streaming;

/// <summary>What the first bytes of a broker message say it is.</summary>
internal enum FrameKind : byte
{
    /// <summary>A whole serialized batch follows the header.</summary>
    Whole = 1,

    /// <summary>One piece of a batch that was larger than the broker's maximum payload.</summary>
    Chunk = 2,
}

/// <summary>The header of a chunk: which split message it belongs to and where its bytes go.</summary>
internal readonly record struct ChunkHeader(Guid MessageId, int Index, int Count, int TotalLength);

/// <summary>
/// The few header bytes every broker message of these providers starts with, so a receiver tells a whole batch from
/// one chunk of a split one. Little-endian, versioned by the magic byte:
/// whole = [magic, 1]; chunk = [magic, 2, message id (16), chunk index (4), chunk count (4), total body length (4)].
/// </summary>
internal static class MessageFraming
{
    public const byte Magic = 0xDA;
    public const int WholeHeaderSize = 2;
    public const int ChunkHeaderSize = 2 + 16 + 4 + 4 + 4;

    /// <summary>The smallest broker payload limit the providers accept: room for a chunk header and a useful body.</summary>
    public const int MinimumMaxPayload = 1024;

    public static void WriteWholeHeader(Span<byte> destination)
    {
        destination[0] = Magic;
        destination[1] = (byte)FrameKind.Whole;
    }

    public static void WriteChunkHeader(Span<byte> destination, in ChunkHeader header)
    {
        destination[0] = Magic;
        destination[1] = (byte)FrameKind.Chunk;
        header.MessageId.TryWriteBytes(destination.Slice(2, 16));
        BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(18, 4), header.Index);
        BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(22, 4), header.Count);
        BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(26, 4), header.TotalLength);
    }

    /// <summary>Reads a frame's header; throws <see cref="InvalidDataException"/> for bytes no producer of ours wrote.</summary>
    public static FrameKind ReadHeader(in ReadOnlySequence<byte> frame, out ChunkHeader chunk)
    {
        Span<byte> header = stackalloc byte[ChunkHeaderSize];
        var available = (int)Math.Min(frame.Length, ChunkHeaderSize);
        frame.Slice(0, available).CopyTo(header);
        if (available < WholeHeaderSize || header[0] != Magic)
        {
            throw new InvalidDataException($"a broker message of {frame.Length} bytes does not start with the stream provider's header (magic 0x{Magic:X2}): it was not written by this provider");
        }

        switch ((FrameKind)header[1])
        {
            case FrameKind.Whole:
                chunk = default;
                return FrameKind.Whole;
            case FrameKind.Chunk when available == ChunkHeaderSize:
                chunk = new ChunkHeader(
                    new Guid(header.Slice(2, 16)),
                    BinaryPrimitives.ReadInt32LittleEndian(header.Slice(18, 4)),
                    BinaryPrimitives.ReadInt32LittleEndian(header.Slice(22, 4)),
                    BinaryPrimitives.ReadInt32LittleEndian(header.Slice(26, 4)));
                if (chunk.Count < 1 || (uint)chunk.Index >= (uint)chunk.Count || chunk.TotalLength < 0)
                {
                    throw new InvalidDataException($"a chunk header is inconsistent: chunk {chunk.Index} of {chunk.Count}, total {chunk.TotalLength} bytes");
                }
                return FrameKind.Chunk;
            default:
                throw new InvalidDataException($"a broker message of {frame.Length} bytes has an unknown frame kind {header[1]}");
        }
    }

    /// <summary>How many chunks a body of <paramref name="bodyLength"/> bytes needs under a payload limit.</summary>
    public static int ChunkCount(int bodyLength, int maxPayload)
    {
        var perChunk = maxPayload - ChunkHeaderSize;
        return Math.Max(1, (bodyLength + perChunk - 1) / perChunk);
    }
}
