using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// A single-producer/single-consumer ring of batches in a memory-mapped file, shared by two processes of one host (or
/// two activations in one). The consumer creates it; the producer opens it. Positions only grow: the producer owns the
/// write position, the consumer the read position, each published with a release write after the bytes it covers, so
/// neither needs a lock. The producer's credit is the free space, and at most a window of batches unread (as on every
/// edge): either one running out holds the producer back.
/// </summary>
/// <remarks>
/// Layout: a 256-byte header — magic, capacity, the creating process id (a silo starting up removes rings whose process
/// is gone), the write position and batches written, the read position and batches taken, and the consumer's "closed"
/// flag, each side's on cache lines of their own — and
/// then the data. A record is a 4-byte length, 4 bytes of padding and a batch (<see cref="ShmBatchFormat"/>), padded
/// to 8 bytes; a record that would not fit before the end leaves a wrap mark (length -1) and starts over at 0.
/// </remarks>
internal sealed unsafe class ShmRing : IDisposable
{
    private const long Magic = 0x31304D48535F4744; // "DG_SHM01"
    private const int HeaderBytes = 256;
    private const int MagicAt = 0, CapacityAt = 8, OwnerAt = 16, WriteAt = 64, WrittenAt = 72, ReadAt = 128, TakenAt = 136, ClosedAt = 192;
    private const int RecordHeader = 8;
    private const int WrapMark = -1;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly byte* _data;
    private readonly long _capacity;
    private long _write;
    private long _read;

    private ShmRing(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, long capacity)
    {
        Path = path;
        _file = file;
        _view = view;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + view.PointerOffset;
        _data = _base + HeaderBytes;
        _capacity = capacity;
        _wake = ShmLocalWake.For(path);
    }

    private readonly ShmLocalWake.Pair _wake;

    /// <summary>Completes when the producer (in this process) writes next.</summary>
    public Task DataWritten() => _wake.DataWritten.Next();

    /// <summary>Completes when the consumer (in this process) frees room or closes.</summary>
    public Task RoomFreed() => _wake.RoomFreed.Next();

    public string Path { get; }

    public long Capacity => _capacity;

    /// <summary>
    /// The consumer's side: a new ring of <paramref name="capacity"/> bytes at <paramref name="path"/>, or the ring
    /// already there (this consumer's earlier activation, before it moved here), which goes on where it stood.
    /// </summary>
    public static ShmRing CreateOrOpen(string path, int capacity)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var existed = File.Exists(path);
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.OpenOrCreate, null, HeaderBytes + (long)capacity, MemoryMappedFileAccess.ReadWrite);
        var view = file.CreateViewAccessor(0, HeaderBytes + (long)capacity);
        var ring = new ShmRing(path, file, view, capacity);
        if (!existed || ring.Read64(MagicAt) != Magic)
        {
            ring.Write64(CapacityAt, capacity);
            ring.Write64(WriteAt, 0);
            ring.Write64(WrittenAt, 0);
            ring.Write64(ReadAt, 0);
            ring.Write64(TakenAt, 0);
            ring.Write64(ClosedAt, 0);
            Volatile.Write(ref Unsafe.AsRef<long>(ring._base + MagicAt), Magic);
        }
        else if (ring.Read64(CapacityAt) != capacity)
        {
            ring.Dispose();
            throw new InvalidDataException($"shm ring {path} holds {ring.Read64(CapacityAt)} bytes, this silo's Dagger:Shm:RingBytes is {capacity}: every silo of a host must use one ring size");
        }
        ring.Write64(OwnerAt, Environment.ProcessId);
        ring._read = ring.Read64(ReadAt);
        ring._write = ring.Read64(WriteAt);
        return ring;
    }

    /// <summary>The producer's side: the ring its consumer created, or null while there is none yet.</summary>
    public static ShmRing? TryOpen(string path)
    {
        if (!File.Exists(path)) return null;
        MemoryMappedFile file;
        try
        {
            file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        var length = new FileInfo(path).Length;
        var view = file.CreateViewAccessor(0, length);
        var ring = new ShmRing(path, file, view, length - HeaderBytes);
        if (ring.Read64(MagicAt) != Magic || ring.Read64(CapacityAt) != length - HeaderBytes)
        {
            // Created but not yet initialised by its consumer: look again later.
            ring.Dispose();
            return null;
        }
        ring._write = ring.Read64(WriteAt);
        ring._read = ring.Read64(ReadAt);
        return ring;
    }

    /// <summary>The process that created (or last took over) the ring file at <paramref name="path"/>; null when it is not a ring.</summary>
    public static int? OwnerOf(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[24];
        if (stream.Read(header) < header.Length || BitConverter.ToInt64(header) != Magic) return null;
        return (int)BitConverter.ToInt64(header[OwnerAt..]);
    }

    /// <summary>Set by the consumer when it needs nothing more (it ended or was torn down): the producer stops writing.</summary>
    public bool ConsumerClosed
    {
        get => _disposed || Read64(ClosedAt) != 0;
        set
        {
            if (!_disposed) Write64(ClosedAt, value ? 1 : 0);
            _wake.RoomFreed.Set();
        }
    }

    /// <summary>True when the consumer has taken everything written.</summary>
    public bool IsDrained => _disposed || Read64(ReadAt) == Read64(WriteAt);

    private bool _disposed;

    /// <summary>The largest batch (in ring bytes) a ring of this capacity takes.</summary>
    public long MaxBatchBytes => _capacity / 2 - RecordHeader;

    /// <summary>
    /// The producer's write: false when the ring has no room for the batch now, or already holds <paramref name="window"/>
    /// unread batches (the consumer has not caught up).
    /// </summary>
    public bool TryWrite(Batch batch, int window)
    {
        var written = Read64(WrittenAt);
        if (written - Read64(TakenAt) >= window) return false;
        var size = ShmBatchFormat.SizeOf(batch);
        if (size > MaxBatchBytes)
            throw new InvalidOperationException($"a batch of {size} bytes does not fit an shm ring of {_capacity} bytes (at most {MaxBatchBytes}): raise Dagger:Shm:RingBytes or lower the batch size");
        var need = Align(RecordHeader + size);
        var read = Volatile.Read(ref Unsafe.AsRef<long>(_base + ReadAt));
        var offset = _write & (_capacity - 1);
        var tail = _capacity - offset;
        var skip = need > tail ? tail : 0;
        if (_capacity - (_write - read) < skip + need) return false;
        if (skip > 0)
        {
            *(int*)(_data + offset) = WrapMark;
            _write += skip;
            offset = 0;
        }
        *(int*)(_data + offset) = size;
        ShmBatchFormat.Write(batch, new Span<byte>(_data + offset + RecordHeader, size));
        _write += need;
        Write64(WrittenAt, written + 1);
        // The release: the consumer that sees the new position sees the bytes before it.
        Volatile.Write(ref Unsafe.AsRef<long>(_base + WriteAt), _write);
        _wake.DataWritten.Set();
        return true;
    }

    /// <summary>
    /// The consumer's read of the next batch (a private copy), or null when the ring is empty. It stays in the ring —
    /// the producer cannot overwrite it — until <see cref="CommitRead"/>.
    /// </summary>
    public Batch? TryRead()
    {
        var write = Volatile.Read(ref Unsafe.AsRef<long>(_base + WriteAt));
        var at = _read;
        if (at == write) return null;
        var offset = at & (_capacity - 1);
        var size = *(int*)(_data + offset);
        if (size == WrapMark)
        {
            at += _capacity - offset;
            if (at == write) return null;
            offset = 0;
            size = *(int*)_data;
        }
        if (size < ShmBatchFormat.HeaderBytes || size > MaxBatchBytes)
            throw new InvalidDataException($"shm ring {Path} has a record of {size} bytes at {at}: the ring is corrupt");
        var batch = ShmBatchFormat.Read(new ReadOnlySpan<byte>(_data + offset + RecordHeader, size));
        _pendingRead = at + Align(RecordHeader + size);
        return batch;
    }

    private long _pendingRead = -1;

    /// <summary>Frees what the last <see cref="TryRead"/> returned: room for the producer.</summary>
    public void CommitRead()
    {
        if (_pendingRead < 0) return;
        _read = _pendingRead;
        _pendingRead = -1;
        Write64(TakenAt, Read64(TakenAt) + 1);
        Volatile.Write(ref Unsafe.AsRef<long>(_base + ReadAt), _read);
        _wake.RoomFreed.Set();
    }

    /// <summary>Removes the ring's file (mappings that remain stay valid until they are disposed).</summary>
    public void Delete()
    {
        ShmLocalWake.Forget(Path);
        try
        {
            File.Delete(Path);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone with its directory.
        }
    }

    /// <summary>Unmaps the ring. Only once nothing reads or writes it any more: its memory is gone after this.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    private static long Align(long bytes) => (bytes + 7) & ~7L;

    private long Read64(int at) => Volatile.Read(ref Unsafe.AsRef<long>(_base + at));

    private void Write64(int at, long value) => Volatile.Write(ref Unsafe.AsRef<long>(_base + at), value);
}
