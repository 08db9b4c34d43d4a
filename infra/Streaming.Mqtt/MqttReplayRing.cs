using System.Buffers;

namespace Dagger.Orleans.Streaming.Mqtt;

/// <summary>
/// Copies of the frames the broker acknowledged lately. A broker acknowledges a QoS 1 publish before it has saved it
/// (mosquitto persists on a timer or after the change, never before the PUBACK), so a broker crash can lose the last
/// acknowledged messages. After its connection comes back, the publisher publishes these again: a duplicate where the
/// broker had kept the message, the only copy where it had not. Bounded by age and by bytes.
/// </summary>
internal sealed class MqttReplayRing(TimeSpan window, long maxBytes, TimeProvider? time = null)
{
    private readonly Queue<Entry> _entries = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _bytes;

    private readonly record struct Entry(long AckedAt, uint Queue, string Topic, byte[] Buffer, int Length);

    /// <summary>One frame to publish again.</summary>
    public readonly record struct Frame(uint Queue, string Topic, byte[] Buffer, int Length);

    public bool IsEnabled => window > TimeSpan.Zero && maxBytes > 0;

    public void Add(uint queue, string topic, ReadOnlySpan<byte> frame)
    {
        if (!IsEnabled || frame.Length > maxBytes) return;
        var copy = ArrayPool<byte>.Shared.Rent(frame.Length);
        frame.CopyTo(copy);
        lock (_lock)
        {
            _entries.Enqueue(new Entry(_time.GetTimestamp(), queue, topic, copy, frame.Length));
            _bytes += frame.Length;
            Trim();
        }
    }

    /// <summary>The frames acknowledged within the window before <paramref name="lostAt"/> (a timestamp), oldest first; give each back with <see cref="Return"/>.</summary>
    public List<Frame> TakeSince(long lostAt)
    {
        var frames = new List<Frame>();
        lock (_lock)
        {
            Trim();
            foreach (var entry in _entries)
            {
                if (_time.GetElapsedTime(entry.AckedAt, lostAt) > window) continue;
                var copy = ArrayPool<byte>.Shared.Rent(entry.Length);
                entry.Buffer.AsSpan(0, entry.Length).CopyTo(copy);
                frames.Add(new Frame(entry.Queue, entry.Topic, copy, entry.Length));
            }
        }
        return frames;
    }

    public static void Return(Frame frame) => ArrayPool<byte>.Shared.Return(frame.Buffer);

    public long Timestamp() => _time.GetTimestamp();

    public void Clear()
    {
        lock (_lock)
        {
            while (_entries.TryDequeue(out var entry)) ArrayPool<byte>.Shared.Return(entry.Buffer);
            _bytes = 0;
        }
    }

    private void Trim()
    {
        while (_entries.TryPeek(out var oldest) && (_bytes > maxBytes || _time.GetElapsedTime(oldest.AckedAt) > window))
        {
            _entries.Dequeue();
            _bytes -= oldest.Length;
            ArrayPool<byte>.Shared.Return(oldest.Buffer);
        }
    }
}
