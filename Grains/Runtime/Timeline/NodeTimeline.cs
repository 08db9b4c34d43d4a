using Dagger.Orleans.Discovery;

namespace Dagger.Orleans.Runtime.Timeline;

/// <summary>What a node's pump is doing: in its operator (or moving batches), waiting for input, or waiting for room downstream.</summary>
public enum PumpActivity { Busy, Waiting, Stalled }

/// <summary>
/// Where one node's time went on this silo, in fixed memory however long it runs: time is cut into at most
/// <see cref="MaxSlots"/> slots, each adding up busy, waiting and stalled time and batches; when the slots are used
/// up, neighbours merge and slots become twice as wide (an hour-long run ends with ~14 s slots, a 1-second one keeps
/// 4 ms slots). Written by the node's pump only at the moments it has to wait anyway (a read that found nothing, a
/// send that found no room), and every <see cref="BatchesPerTick"/> batches; read by a timeline query from any thread.
/// </summary>
public sealed class NodeTimeline
{
    public const int MaxSlots = 256;
    private const int BatchesPerTick = 64;

    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset _startedAt;
    private readonly long _origin;
    private long _width;
    private Slot[] _slots = new Slot[16];
    private long _last;
    private PumpActivity _activity = PumpActivity.Busy;
    private long? _endedAt;
    // Counted without the lock on the pump's fast path; attributed to slots when time is next accounted for.
    private long _batches;
    private long _batchesAccounted;

    private struct Slot
    {
        public long Busy, Waiting, Stalled;
        public double Batches;

        public readonly long Total => Busy + Waiting + Stalled;

        public void Add(in Slot other)
        {
            Busy += other.Busy;
            Waiting += other.Waiting;
            Stalled += other.Stalled;
            Batches += other.Batches;
        }
    }

    private readonly double _batchWeight;

    /// <param name="clock">Where time comes from (the system's; a test's own).</param>
    public NodeTimeline(string nodeId, string op, string silo, double batchWeight = 1, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _startedAt = _clock.GetUtcNow();
        _origin = _clock.GetTimestamp();
        // 1 ms slots to begin with.
        _width = Math.Max(1, _clock.TimestampFrequency / 1000);
        _batchWeight = batchWeight;
        NodeId = nodeId;
        Op = op;
        Silo = silo;
        _last = _origin;
    }

    public string NodeId { get; }

    public string Op { get; }

    public string Silo { get; }

    /// <summary>When the node stopped running on this silo (null: still running); for pruning old runs.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>One batch taken (or, by a source, sent): cheap, for the pump's every batch.</summary>
    public void CountBatch()
    {
        if (++_batches % BatchesPerTick == 0) Switch(_activity);
    }

    /// <summary>The pump starts <paramref name="activity"/> now; the time since the last switch goes to what it did until now.</summary>
    public void Switch(PumpActivity activity)
    {
        var now = _clock.GetTimestamp();
        lock (_lock)
        {
            if (_endedAt is not null) return;
            Account(now);
            _activity = activity;
        }
    }

    /// <summary>The node stopped running here (ended, failed, cancelled, or moved away).</summary>
    public void End()
    {
        var now = _clock.GetTimestamp();
        lock (_lock)
        {
            if (_endedAt is not null) return;
            Account(now);
            _endedAt = now;
            EndedAt = _clock.GetUtcNow();
        }
    }

    /// <summary>The record so far; a running node's current activity counts up to now.</summary>
    public TimelineLane Snapshot()
    {
        var now = _clock.GetTimestamp();
        lock (_lock)
        {
            // Accounting up to now changes nothing a later switch would not: the time is the activity's either way.
            if (_endedAt is null) Account(now);
            var count = SlotCount(_endedAt ?? now);
            var busy = new float[count];
            var waiting = new float[count];
            var stalled = new float[count];
            var batches = new float[count];
            for (var i = 0; i < count; i++)
            {
                busy[i] = Seconds(_slots[i].Busy);
                waiting[i] = Seconds(_slots[i].Waiting);
                stalled[i] = Seconds(_slots[i].Stalled);
                batches[i] = (float)_slots[i].Batches;
            }
            return new TimelineLane
            {
                NodeId = NodeId,
                Op = Op,
                Silo = Silo,
                Start = _startedAt,
                End = _endedAt is { } end ? _startedAt + _clock.GetElapsedTime(_origin, end) : null,
                SlotSeconds = (double)_width / _clock.TimestampFrequency,
                Busy = busy,
                Waiting = waiting,
                Stalled = stalled,
                Batches = batches,
            };
        }
    }

    /// <summary>The slots up to <paramref name="until"/>: a slot it ends exactly at is the last.</summary>
    private int SlotCount(long until) => (int)Math.Clamp((until - _origin + _width - 1) / _width, 1, _slots.Length);

    private float Seconds(long ticks) => (float)((double)ticks / _clock.TimestampFrequency);

    /// <summary>Gives the time from the last accounting to <paramref name="now"/> to the current activity, slot by slot, and the batches counted meanwhile in proportion.</summary>
    private void Account(long now)
    {
        var span = now - _last;
        if (span <= 0) return;
        var batches = _batches - _batchesAccounted;
        _batchesAccounted += batches;
        while (_last < now)
        {
            var index = (_last - _origin) / _width;
            while (index >= MaxSlots)
            {
                Coarsen();
                index = (_last - _origin) / _width;
            }
            if (index >= _slots.Length) Array.Resize(ref _slots, (int)Math.Min(MaxSlots, Math.Max(index + 1, _slots.Length * 2L)));
            var slotEnd = _origin + (index + 1) * _width;
            var upTo = Math.Min(now, slotEnd);
            var part = upTo - _last;
            ref var slot = ref _slots[index];
            switch (_activity)
            {
                case PumpActivity.Busy: slot.Busy += part; break;
                case PumpActivity.Waiting: slot.Waiting += part; break;
                default: slot.Stalled += part; break;
            }
            slot.Batches += batches * _batchWeight * part / span;
            _last = upTo;
        }
    }

    /// <summary>Halves the resolution: slot i becomes slots 2i and 2i+1 together.</summary>
    private void Coarsen()
    {
        var merged = new Slot[MaxSlots];
        for (var i = 0; i < _slots.Length; i++) merged[i / 2].Add(_slots[i]);
        _slots = merged;
        _width *= 2;
    }
}
