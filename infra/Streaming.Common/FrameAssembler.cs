using System.Buffers;

namespace Dagger.Orleans.Streaming;

/// <summary>What <see cref="FrameAssembler{TReceipt}.Accept"/> made of one broker message.</summary>
internal enum FrameStatus
{
    /// <summary>A whole batch: <see cref="AssembledMessage{TReceipt}.Body"/> is a slice of the frame itself.</summary>
    Whole,

    /// <summary>The last missing chunk arrived: the body is reassembled and the receipts of every chunk come with it.</summary>
    Completed,

    /// <summary>A chunk was kept; the batch is not complete yet.</summary>
    Partial,

    /// <summary>A chunk the assembler already holds (a redelivery): its newer receipt replaced the held one.</summary>
    Duplicate,
}

/// <summary>
/// A body ready to deserialize. For <see cref="FrameStatus.Completed"/> it owns a pooled array: dispose it once the
/// body has been read. <see cref="Receipts"/> lists the receipts of every chunk, in chunk order.
/// </summary>
internal readonly struct AssembledMessage<TReceipt> : IDisposable
{
    private readonly byte[]? _rented;

    public AssembledMessage(ReadOnlySequence<byte> body, TReceipt[]? receipts, byte[]? rented)
    {
        Body = body;
        Receipts = receipts;
        _rented = rented;
    }

    public ReadOnlySequence<byte> Body { get; }

    /// <summary>Null for a whole frame (the caller holds its one receipt).</summary>
    public TReceipt[]? Receipts { get; }

    public void Dispose()
    {
        if (_rented is not null) ArrayPool<byte>.Shared.Return(_rented);
    }
}

/// <summary>
/// Puts split batches back together, per queue (one instance per receiver, one caller at a time). Chunks of different
/// batches may interleave (several producers on one queue); a redelivered chunk replaces the receipt it duplicates.
/// A batch whose remaining chunks never come (its producer died mid-publish, and its publish threw to it) is dropped
/// by <see cref="EvictStale"/>, which hands back the receipts of its chunks so the broker can forget them.
/// </summary>
internal sealed class FrameAssembler<TReceipt>
{
    private readonly Dictionary<Guid, Partial> _partials = [];
    private readonly int _maxMessageBytes;
    private readonly TimeProvider _time;

    private sealed class Partial(ChunkHeader header, long startedAt)
    {
        public readonly byte[] Body = ArrayPool<byte>.Shared.Rent(Math.Max(header.TotalLength, 1));
        public readonly TReceipt[] Receipts = new TReceipt[header.Count];
        public readonly bool[] Received = new bool[header.Count];
        public readonly int Count = header.Count;
        public readonly int TotalLength = header.TotalLength;
        public readonly long StartedAt = startedAt;
        public int ReceivedCount;
    }

    /// <param name="maxMessageBytes">The largest reassembled batch accepted: a bound on what a bad header can make the receiver allocate.</param>
    public FrameAssembler(int maxMessageBytes, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 1);
        _maxMessageBytes = maxMessageBytes;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Batches with some chunks held.</summary>
    public int PartialCount => _partials.Count;

    /// <summary>Takes one broker message; throws <see cref="InvalidDataException"/> for one this provider did not write.</summary>
    public FrameStatus Accept(in ReadOnlySequence<byte> frame, TReceipt receipt, out AssembledMessage<TReceipt> message)
    {
        if (MessageFraming.ReadHeader(frame, out var header) == FrameKind.Whole)
        {
            message = new AssembledMessage<TReceipt>(frame.Slice(MessageFraming.WholeHeaderSize), null, null);
            return FrameStatus.Whole;
        }

        message = default;
        if (header.TotalLength > _maxMessageBytes)
        {
            throw new InvalidDataException($"a split batch announces {header.TotalLength} bytes, over the largest accepted ({_maxMessageBytes} bytes)");
        }

        if (!_partials.TryGetValue(header.MessageId, out var partial))
        {
            partial = new Partial(header, _time.GetTimestamp());
            _partials.Add(header.MessageId, partial);
        }
        else if (partial.Count != header.Count || partial.TotalLength != header.TotalLength)
        {
            throw new InvalidDataException($"chunk {header.Index} of split batch {header.MessageId} disagrees with its earlier chunks about the batch's size");
        }

        if (partial.Received[header.Index])
        {
            partial.Receipts[header.Index] = receipt;
            return FrameStatus.Duplicate;
        }

        var piece = frame.Slice(MessageFraming.ChunkHeaderSize);
        var perChunk = (int)Math.Min(int.MaxValue, frame.Length) - MessageFraming.ChunkHeaderSize;
        var offset = header.Index == header.Count - 1 ? header.TotalLength - (int)piece.Length : header.Index * perChunk;
        if (offset < 0 || offset + piece.Length > header.TotalLength)
        {
            throw new InvalidDataException($"chunk {header.Index} of split batch {header.MessageId} does not fit its announced {header.TotalLength} bytes");
        }

        piece.CopyTo(partial.Body.AsSpan(offset));
        partial.Received[header.Index] = true;
        partial.Receipts[header.Index] = receipt;
        if (++partial.ReceivedCount < partial.Count) return FrameStatus.Partial;

        _partials.Remove(header.MessageId);
        message = new AssembledMessage<TReceipt>(new ReadOnlySequence<byte>(partial.Body, 0, partial.TotalLength), partial.Receipts, partial.Body);
        return FrameStatus.Completed;
    }

    /// <summary>
    /// Drops split batches whose first chunk came longer than <paramref name="olderThan"/> ago and adds the receipts
    /// of their chunks to <paramref name="evicted"/>; returns how many batches were dropped.
    /// </summary>
    public int EvictStale(TimeSpan olderThan, List<TReceipt> evicted)
    {
        if (_partials.Count == 0) return 0;
        List<Guid>? stale = null;
        foreach (var (id, partial) in _partials)
        {
            if (_time.GetElapsedTime(partial.StartedAt) > olderThan) (stale ??= []).Add(id);
        }

        if (stale is null) return 0;
        foreach (var id in stale)
        {
            var partial = _partials[id];
            _partials.Remove(id);
            for (var i = 0; i < partial.Count; i++)
            {
                if (partial.Received[i]) evicted.Add(partial.Receipts[i]);
            }
            ArrayPool<byte>.Shared.Return(partial.Body);
        }
        return stale.Count;
    }

    /// <summary>Returns every held buffer (the receiver is shutting down; the broker redelivers what was not acknowledged).</summary>
    public void Clear()
    {
        foreach (var partial in _partials.Values) ArrayPool<byte>.Shared.Return(partial.Body);
        _partials.Clear();
    }
}
