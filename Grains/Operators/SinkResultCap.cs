using System.Buffers;

namespace Dagger.Orleans.Operators;

/// <summary>A sink's result passed <c>DaggerOptions.MaxResultBytes</c>: the node fails with this, naming itself and the cap.</summary>
public sealed class ResultTooLargeException(string nodeId, long cap) : Exception(
    $"node '{nodeId}': its result grew past the cap of {cap} bytes (DaggerOptions.MaxResultBytes, Dagger:MaxResultBytes); " +
    "send it fewer elements (max_evals, a count), reduce them first (count, sum), or raise the cap")
{
    public string NodeId { get; } = nodeId;

    public long Cap { get; } = cap;
}

/// <summary>An <see cref="ArrayBufferWriter{T}"/> that refuses to grow past a cap, so writing a result never takes more.</summary>
internal sealed class CappedBufferWriter(long cap, string nodeId) : IBufferWriter<byte>
{
    private readonly ArrayBufferWriter<byte> _inner = new();

    public ReadOnlySpan<byte> WrittenSpan => _inner.WrittenSpan;

    public void Advance(int count)
    {
        if (_inner.WrittenCount + (long)count > cap) throw new ResultTooLargeException(nodeId, cap);
        _inner.Advance(count);
    }

    // A JSON writer asks for more room than it will use; what it hands back through Advance is what counts.
    public Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => _inner.GetSpan(sizeHint);
}
