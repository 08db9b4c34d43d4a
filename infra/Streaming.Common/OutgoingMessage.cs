using System.Buffers;
using Orleans.Serialization;

namespace Dagger.Orleans.Streaming;

/// <summary>
/// One serialized batch, framed for a broker: a single frame when it fits the broker's maximum payload, else
/// chunks that <see cref="FrameAssembler{TReceipt}"/> puts back together. Publish the frames in order, all to the
/// same subject/topic, and dispose the message once every publish has completed (the frames are pooled memory).
/// </summary>
internal sealed class OutgoingMessage : IDisposable
{
    private readonly PooledBufferWriter _serialized;
    private byte[]? _chunks;
    private readonly int _frameCount;
    private readonly int _chunkStride;
    private readonly int _lastChunkLength;

    private OutgoingMessage(PooledBufferWriter serialized, int maxPayload)
    {
        _serialized = serialized;
        if (serialized.WrittenCount <= maxPayload)
        {
            _frameCount = 1;
            return;
        }

        // Too big for one broker message: copy the body (without the whole-frame header) into chunks laid out
        // back to back in one pooled array, each behind its own chunk header.
        var body = serialized.WrittenSpan[MessageFraming.WholeHeaderSize..];
        var perChunk = maxPayload - MessageFraming.ChunkHeaderSize;
        _frameCount = MessageFraming.ChunkCount(body.Length, maxPayload);
        _chunkStride = maxPayload;
        _chunks = ArrayPool<byte>.Shared.Rent(_frameCount * maxPayload);
        var id = Guid.NewGuid();
        for (var i = 0; i < _frameCount; i++)
        {
            var piece = body.Slice(i * perChunk, Math.Min(perChunk, body.Length - i * perChunk));
            var destination = _chunks.AsSpan(i * maxPayload, MessageFraming.ChunkHeaderSize + piece.Length);
            MessageFraming.WriteChunkHeader(destination, new ChunkHeader(id, i, _frameCount, body.Length));
            piece.CopyTo(destination[MessageFraming.ChunkHeaderSize..]);
            _lastChunkLength = destination.Length;
        }
    }

    /// <summary>How many broker messages this batch takes (1 unless it was split).</summary>
    public int FrameCount => _frameCount;

    /// <summary>The serialized batch's size, headers excluded.</summary>
    public int BodyLength => _serialized.WrittenCount - MessageFraming.WholeHeaderSize;

    public bool IsSplit => _chunks is not null;

    public ReadOnlyMemory<byte> Frame(int index)
    {
        if ((uint)index >= (uint)_frameCount) throw new ArgumentOutOfRangeException(nameof(index), index, $"the message has {_frameCount} frame(s)");
        if (_chunks is null) return _serialized.WrittenMemory;
        var length = index == _frameCount - 1 ? _lastChunkLength : _chunkStride;
        return _chunks.AsMemory(index * _chunkStride, length);
    }

    /// <summary>Serializes <paramref name="container"/> with Orleans' serializer and frames it for a broker whose largest message is <paramref name="maxPayload"/> bytes.</summary>
    public static OutgoingMessage Create(Serializer serializer, SerializedBatchContainer container, int maxPayload)
    {
        if (maxPayload < MessageFraming.MinimumMaxPayload)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPayload), maxPayload, $"a broker payload limit below {MessageFraming.MinimumMaxPayload} bytes leaves no room for a chunk");
        }

        var writer = new PooledBufferWriter();
        try
        {
            MessageFraming.WriteWholeHeader(writer.GetSpan(MessageFraming.WholeHeaderSize));
            writer.Advance(MessageFraming.WholeHeaderSize);
            serializer.Serialize(container, writer);
            return new OutgoingMessage(writer, maxPayload);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _serialized.Dispose();
        var chunks = _chunks;
        _chunks = null;
        if (chunks is not null) ArrayPool<byte>.Shared.Return(chunks);
    }
}
