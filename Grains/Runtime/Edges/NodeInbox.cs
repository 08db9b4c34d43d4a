using System.Runtime.CompilerServices;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The input side of a node: per port, a reorder ring of <c>capacity</c> slots indexed by the edge's sequence
/// number. Batches that arrive out of order wait in their slot; a batch already taken (a redelivery) is dropped;
/// a batch too far ahead waits for room, which is what slows a producer down.
/// </summary>
/// <remarks>
/// Written by grain calls on this node's activation and, for a producer on the same silo, directly by that
/// producer's pump on its own activation: every operation takes the lock. Waiters resume on their own
/// scheduler (continuations run asynchronously).
/// </remarks>
internal sealed class NodeInbox
{
    private readonly Lock _gate = new();
    private readonly Port[] _ports;
    private readonly int _capacity;
    private readonly PumpSignal _dataArrived = new();
    private int _nextAnyPort;
    private volatile bool _closed;
    private volatile bool _sealed;
    private bool _readersInterrupted;

    public NodeInbox(int ports, int capacity)
    {
        _capacity = capacity;
        _ports = new Port[ports];
        for (var i = 0; i < ports; i++) _ports[i] = new Port(capacity);
    }

    public int PortCount => _ports.Length;

    /// <summary>True once the inbox takes nothing more: closed (writes are dropped) or sealed (writes are refused, to be resent to where the node went).</summary>
    public bool IsClosed => _closed || _sealed;

    /// <summary>An inbox carried over from another activation of the node (live migration).</summary>
    public NodeInbox(InboxSnapshot snapshot, int capacity) : this(snapshot.Ports.Length, capacity)
    {
        for (var i = 0; i < _ports.Length; i++)
        {
            var from = snapshot.Ports[i];
            var port = _ports[i];
            port.Next = from.Next;
            port.Ended = from.Ended;
            foreach (var batch in from.Held)
            {
                batch.AdoptIfReceivedCopy();
                port.Slots[batch.Sequence % capacity] = batch;
            }
        }
    }

    /// <summary>Batches held for the reader, over every port (the inbox-depth gauge reads it when metrics are collected).</summary>
    public int Depth
    {
        get
        {
            var held = 0;
            lock (_gate)
            {
                foreach (var p in _ports)
                {
                    foreach (var slot in p.Slots) if (slot is not null) held++;
                }
            }
            return held;
        }
    }

    public bool IsPortFinal(int port)
    {
        lock (_gate) return _ports[port].Ended;
    }

    /// <summary>
    /// Puts a batch in its slot; completes once it has one. Duplicates and batches for a closed inbox are released
    /// at once. False when the inbox is sealed: the node is moving, the batch is left untouched and its writer
    /// sends it again to wherever the node went.
    /// </summary>
    public ValueTask<bool> WriteAsync(int port, Batch batch) => TryPlace(port, batch, out var room) switch
    {
        InboxWrite.Taken => ValueTask.FromResult(true),
        InboxWrite.Refused => ValueTask.FromResult(false),
        _ => WriteWhenRoomAsync(room!, port, batch),
    };

    // Runs once per batch: the state machine comes from a pool instead of the heap when it has to wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WriteWhenRoomAsync(Task room, int port, Batch batch)
    {
        await room;
        return await WriteAsync(port, batch);
    }

    /// <summary>
    /// As <see cref="WriteAsync"/>, but waits for room only until <paramref name="giveUpAt"/> (<see cref="Environment.TickCount64"/>):
    /// then the batch is left untouched and the answer is <see cref="InboxWrite.Busy"/>.
    /// </summary>
    public ValueTask<InboxWrite> WriteWithinAsync(int port, Batch batch, long giveUpAt)
    {
        var outcome = TryPlace(port, batch, out var room);
        return outcome == InboxWrite.Busy ? WriteWhenRoomWithinAsync(room!, port, batch, giveUpAt) : ValueTask.FromResult(outcome);
    }

    /// <summary>
    /// One attempt, under the lock: taken (in its slot, or released as a duplicate or for a closed inbox), refused
    /// (sealed: left untouched), or busy — no room yet, and <paramref name="room"/> completes when a slot frees.
    /// </summary>
    private InboxWrite TryPlace(int port, Batch batch, out Task? room)
    {
        if ((uint)port >= (uint)_ports.Length)
            throw new ArgumentOutOfRangeException(nameof(port), $"input port {port} does not exist (this node has {_ports.Length})");
        var p = _ports[port];
        room = null;
        lock (_gate)
        {
            if (_sealed) return InboxWrite.Refused;
            var slot = batch.Sequence % _capacity;
            if (_closed || batch.Sequence < p.Next || p.Ended || p.Slots[slot] is { } existing && existing.Sequence == batch.Sequence)
            {
                batch.Release();
                return InboxWrite.Taken;
            }
            if (batch.Sequence < p.Next + _capacity)
            {
                p.Slots[slot] = batch;
                _dataArrived.Set();
                return InboxWrite.Taken;
            }
            p.RoomSignal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            room = p.RoomSignal.Task;
            return InboxWrite.Busy;
        }
    }

    private async ValueTask<InboxWrite> WriteWhenRoomWithinAsync(Task room, int port, Batch batch, long giveUpAt)
    {
        var left = giveUpAt - Environment.TickCount64;
        if (left <= 0) return InboxWrite.Busy;
        try
        {
            await room.WaitAsync(TimeSpan.FromMilliseconds(left));
        }
        catch (TimeoutException)
        {
            return InboxWrite.Busy;
        }
        return await WriteWithinAsync(port, batch, giveUpAt);
    }

    /// <summary>The next batch of <paramref name="port"/> in sequence order (a final batch marks the end), or null once the inbox is closed.</summary>
    // Runs once per batch: the state machine comes from a pool instead of the heap when it has to wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<Batch?> ReadAsync(int port)
    {
        while (true)
        {
            ValueTask wait;
            lock (_gate)
            {
                if (_closed || _readersInterrupted) return null;
                if (TryTake(port, out var batch)) return batch;
                wait = _dataArrived.WaitAsync();
            }
            await wait;
        }
    }

    /// <summary>The next batch of any port, taking ports in turn so no input starves; null once every port has ended or the inbox is closed.</summary>
    // Runs once per batch: the state machine comes from a pool instead of the heap when it has to wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(int Port, Batch Batch)?> ReadAnyAsync()
    {
        while (true)
        {
            ValueTask wait;
            lock (_gate)
            {
                if (_closed || _readersInterrupted) return null;
                var allEnded = true;
                for (var k = 0; k < _ports.Length; k++)
                {
                    var port = (_nextAnyPort + k) % _ports.Length;
                    if (_ports[port].Ended) continue;
                    allEnded = false;
                    if (TryTake(port, out var batch))
                    {
                        _nextAnyPort = (port + 1) % _ports.Length;
                        return (port, batch);
                    }
                }
                if (allEnded) return null;
                wait = _dataArrived.WaitAsync();
            }
            await wait;
        }
    }

    /// <summary>Makes every read return null (the pump stops at its next read) while writes still land: the node is pausing to move.</summary>
    public void InterruptReaders()
    {
        lock (_gate)
        {
            _readersInterrupted = true;
            _dataArrived.Set();
        }
    }

    /// <summary>
    /// Refuses every later write (the writers send again, to where the node went) and answers what the inbox holds,
    /// which now belongs to the snapshot.
    /// </summary>
    public InboxSnapshot Seal()
    {
        lock (_gate)
        {
            _sealed = true;
            _readersInterrupted = true;
            var ports = new InboxPortSnapshot[_ports.Length];
            for (var i = 0; i < _ports.Length; i++)
            {
                var p = _ports[i];
                var held = new List<Batch>();
                for (var s = p.Next; s < p.Next + _capacity; s++)
                {
                    if (p.Slots[s % _capacity] is { } b && b.Sequence == s) held.Add(b);
                }
                ports[i] = new InboxPortSnapshot { Next = p.Next, Ended = p.Ended, Held = [.. held] };
                // Writers waiting for room wake up to the seal and are refused.
                p.RoomSignal?.TrySetResult();
                p.RoomSignal = null;
            }
            _dataArrived.Set();
            return new InboxSnapshot { Ports = ports };
        }
    }

    /// <summary>Where each port stands (next sequence, ended), without what it holds: a checkpoint's view.</summary>
    public InboxSnapshot Positions()
    {
        lock (_gate)
        {
            var ports = new InboxPortSnapshot[_ports.Length];
            for (var i = 0; i < _ports.Length; i++) ports[i] = new InboxPortSnapshot { Next = _ports[i].Next, Ended = _ports[i].Ended };
            return new InboxSnapshot { Ports = ports };
        }
    }

    /// <summary>Drops everything held and every later write; wakes whoever waits.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (var p in _ports)
            {
                for (var i = 0; i < p.Slots.Length; i++)
                {
                    p.Slots[i]?.Release();
                    p.Slots[i] = null;
                }
                p.RoomSignal?.TrySetResult();
                p.RoomSignal = null;
            }
            _dataArrived.Set();
        }
    }

    private bool TryTake(int port, out Batch batch)
    {
        var p = _ports[port];
        var slot = p.Next % _capacity;
        if (p.Slots[slot] is { } b && b.Sequence == p.Next)
        {
            p.Slots[slot] = null;
            p.Next++;
            if (b.Final) p.Ended = true;
            var room = p.RoomSignal;
            p.RoomSignal = null;
            room?.TrySetResult();
            batch = b;
            return true;
        }
        batch = null!;
        return false;
    }

    private sealed class Port(int capacity)
    {
        public readonly Batch?[] Slots = new Batch?[capacity];
        public long Next;
        public bool Ended;
        public TaskCompletionSource? RoomSignal;
    }
}

/// <summary>What became of a batch written to an inbox within a deadline.</summary>
internal enum InboxWrite
{
    /// <summary>In its slot, or dropped as a duplicate or for a closed inbox: either way the writer is done with it.</summary>
    Taken,
    /// <summary>No room before the deadline: the batch is untouched; send it again.</summary>
    Busy,
    /// <summary>The node is moving (sealed inbox) or not running here: the batch is untouched; send it again after a pause.</summary>
    Refused,
}
