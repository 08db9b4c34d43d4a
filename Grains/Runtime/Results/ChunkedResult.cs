using System.Buffers;
using System.Text.Json;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime.Results;

/// <summary>
/// A sink's result written into chunks of at most <c>ChunkBytes</c> as it is produced, each sent to the result store
/// once sealed (by the node, between batches): the silo holds at most the chunk being filled and those sealed during
/// one batch, whatever the result's size. A result that ends up no bigger than <c>InlineBytes</c> and never filled a
/// chunk is never stored: it travels inline in the node's report, as small results always did, and costs no store call.
/// Every byte counts against the cap (<c>MaxResultBytes</c>) as it is written.
/// </summary>
internal sealed class ChunkedResult : ResultTarget, IBufferWriter<byte>
{
    private const int InitialBufferBytes = 256;
    private readonly IResultStore _store;
    private readonly string _dagId;
    private readonly string _nodeId;
    private readonly long _cap;
    private readonly int _chunkBytes;
    private readonly int _inlineBytes;
    // Sealed chunks not yet stored, in order: the first is chunk _nextChunk - _unsent.Count.
    private readonly Queue<byte[]> _unsent = new();
    private byte[] _buffer;
    private int _written;
    private long _bytes;
    private long _openingBytes;
    private int _nextChunk;
    private byte[]? _discard;
    private Utf8JsonWriter? _writer;
    // Ended, every chunk stored: from here the result is its node's report's, whatever happens to the node.
    private bool _ended;
    private Task? _sending;

    public ChunkedResult(IResultStore store, string dagId, string nodeId, long cap, int chunkBytes, int inlineBytes, StreamedResultState? from = null)
    {
        (_store, _dagId, _nodeId, _cap, _chunkBytes, _inlineBytes) = (store, dagId, nodeId, cap, chunkBytes, inlineBytes);
        _buffer = new byte[Math.Max(InitialBufferBytes, from?.Tail.Length ?? 0)];
        if (from is null) return;
        from.Tail.CopyTo(_buffer, 0);
        _written = from.Tail.Length;
        _bytes = from.Bytes;
        _openingBytes = from.OpeningBytes;
        _nextChunk = from.NextChunk;
        foreach (var chunk in from.Unsent) _unsent.Enqueue(chunk);
    }

    public override Utf8JsonWriter Writer => _writer ??= new Utf8JsonWriter(this);

    /// <summary>The bytes written so far.</summary>
    public long Bytes => _bytes;

    /// <summary>Whether values followed the streamed result's opening (what a resumed writer must know to put a comma before the next).</summary>
    public bool ValuesWritten => _bytes > _openingBytes;

    public override void OpeningWritten() => _openingBytes = _bytes;

    public override bool HasUnsent => _unsent.Count > 0;

    public override async Task SendAsync()
    {
        // One sender at a time: a forceful cancel ends the result while the pump may still be sending (the node's calls
        // interleave), and two senders would store one chunk twice and drop the next.
        while (_sending is { IsCompleted: false } busy) await busy;
        _sending = SendQueuedAsync();
        await _sending;
    }

    private async Task SendQueuedAsync()
    {
        // Each chunk leaves the queue only once stored: a failure leaves it there, and the node fails saying why.
        while (_unsent.TryPeek(out var chunk))
        {
            await _store.WriteChunkAsync(_dagId, _nodeId, _nextChunk - _unsent.Count, chunk);
            _unsent.Dequeue();
        }
    }

    public override async ValueTask<SinkResult> CompleteAsync()
    {
        Writer.Flush();
        if (_nextChunk == 0 && _bytes <= _inlineBytes)
        {
            _ended = true;
            return new SinkResult(System.Text.Encoding.UTF8.GetString(_buffer, 0, _written), null);
        }
        Seal();
        await SendAsync();
        _ended = true;
        return new SinkResult(null, new ResultDescriptor { DagId = _dagId, NodeId = _nodeId, Bytes = _bytes, Chunks = _nextChunk, Store = _store.Kind });
    }

    /// <summary>
    /// The result will never be complete (its node failed before ending it): removes the chunks already stored, which
    /// nothing would name. A result that was ended (all stored) is left alone: its descriptor may be on record already (a node that
    /// fails after it reported, its silo stopping, must not take the run's result with it).
    /// </summary>
    public async Task AbandonAsync()
    {
        if (_ended) return;
        var stored = _nextChunk - _unsent.Count;
        _unsent.Clear();
        if (stored == 0) return;
        await _store.DeleteAsync(new ResultDescriptor { DagId = _dagId, NodeId = _nodeId, Bytes = _bytes, Chunks = stored, Store = _store.Kind });
    }

    /// <summary>How far the result has got, for the node's snapshot (a move, a checkpoint).</summary>
    public StreamedResultState Save()
    {
        Writer.Flush();
        return new StreamedResultState
        {
            NextChunk = _nextChunk,
            Bytes = _bytes,
            OpeningBytes = _openingBytes,
            Tail = _buffer.AsSpan(0, _written).ToArray(),
            Unsent = _unsent.ToArray(),
        };
    }

    /// <summary>
    /// Runs <paramref name="write"/> on the writer with everything it writes dropped: how a new writer is brought to
    /// the state (depth, a comma due) of the one that wrote the bytes before a move.
    /// </summary>
    public void WriteDiscarded(Action<Utf8JsonWriter> write)
    {
        _discard = new byte[InitialBufferBytes];
        try
        {
            write(Writer);
            Writer.Flush();
        }
        finally
        {
            _discard = null;
        }
    }

    public void Advance(int count)
    {
        if (_discard is not null) return;
        if (_bytes + count > _cap) throw new ResultTooLargeException(_nodeId, _cap);
        _written += count;
        _bytes += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Room(Math.Max(sizeHint, 1));

    public Span<byte> GetSpan(int sizeHint = 0) => Room(Math.Max(sizeHint, 1)).Span;

    private Memory<byte> Room(int size)
    {
        if (_discard is not null)
        {
            if (_discard.Length < size) _discard = new byte[size];
            return _discard;
        }
        if (_buffer.Length - _written >= size) return _buffer.AsMemory(_written);
        if (_written + size <= _chunkBytes)
        {
            // Grow by doubling up to a chunk: a small result never takes a chunk's worth of memory.
            Array.Resize(ref _buffer, Math.Min(_chunkBytes, Math.Max(2 * _buffer.Length, _written + size)));
            return _buffer.AsMemory(_written);
        }
        Seal();
        // A single value longer than a chunk (a long string) gets a chunk of its own size.
        if (_buffer.Length < size) _buffer = new byte[Math.Max(size, Math.Min(_chunkBytes, 2 * _buffer.Length))];
        return _buffer.AsMemory();
    }

    /// <summary>The bytes written since the last chunk become the next chunk (a copy of exactly their length: the store may keep it).</summary>
    private void Seal()
    {
        if (_written == 0) return;
        _unsent.Enqueue(_buffer.AsSpan(0, _written).ToArray());
        _nextChunk++;
        _written = 0;
    }

    public override void Dispose() => _writer?.Dispose();
}
