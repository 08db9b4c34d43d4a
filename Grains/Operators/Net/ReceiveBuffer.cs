using System.Buffers;

namespace Dagger.Orleans.Operators.Net;

/// <summary>
/// Received bytes waiting to be decoded: a pooled array filled at its end and taken from its start; what a decoder
/// leaves (a partial sample, line or frame) moves to the front for the next receive to complete.
/// </summary>
internal sealed class ReceiveBuffer : IDisposable
{
    private byte[] _bytes;
    private int _filled;

    public ReceiveBuffer(int size) => _bytes = ArrayPool<byte>.Shared.Rent(size);

    public Memory<byte> Free => _bytes.AsMemory(_filled);

    public ReadOnlySpan<byte> Filled => _bytes.AsSpan(0, _filled);

    public void Added(int count) => _filled += count;

    /// <summary>Drops the first <paramref name="count"/> bytes, keeping the rest; grows to hold <paramref name="unit"/> bytes more than the rest.</summary>
    public void Taken(int count, int unit)
    {
        var rest = _filled - count;
        if (rest > 0 && count > 0) Buffer.BlockCopy(_bytes, count, _bytes, 0, rest);
        _filled = rest;
        if (_bytes.Length - rest >= unit) return;
        var larger = ArrayPool<byte>.Shared.Rent(rest + unit);
        Buffer.BlockCopy(_bytes, 0, larger, 0, rest);
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = larger;
    }

    public void Clear() => _filled = 0;

    public void Dispose()
    {
        if (_bytes.Length > 0) ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
    }
}
