using System.Collections.Concurrent;

namespace Dagger.Orleans.Bench.Chain;

/// <summary>float[] batches reused between a baseline's producer and its sink, as Dagger pools its batches: steady state allocates none.</summary>
public sealed class BufferPool
{
    private readonly ConcurrentQueue<float[]> _free = new();
    private int _length;

    public float[] Rent(int length)
    {
        if (length != _length)
        {
            _free.Clear();
            _length = length;
        }
        return _free.TryDequeue(out var buffer) ? buffer : new float[length];
    }

    public void Return(float[] buffer)
    {
        if (buffer.Length == _length) _free.Enqueue(buffer);
    }
}

/// <summary>One batch in a baseline chain: a pooled buffer and how much of it is used.</summary>
public readonly record struct Chunk(float[] Data, int Count);
