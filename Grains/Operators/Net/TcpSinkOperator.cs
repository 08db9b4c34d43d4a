using System.Runtime.CompilerServices;
using System.Buffers;
using System.Net.Sockets;
using System.Text.Json;
using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Net;

/// <summary>
/// Writes every element to a TCP connection in one of <see cref="WireFormats"/>, the inverse of <c>tcp_source</c>.
/// <c>connect</c> mode connects to host:port at the first batch (retrying with back-off while the peer refuses, unless
/// <c>reconnect</c> is false); <c>listen</c> mode binds host:port at the first batch and waits for one peer. A batch is
/// taken only once the previous one is written, so a slow peer slows the DAG. At the end the connection is shut down
/// in order (the peer reads end of stream). Result: <c>{"bytes", "elements", "peer"}</c>. A connection that breaks
/// fails the node: what was written cannot be known to have arrived.
/// </summary>
[AllocationBudget(BytesPerBatch = 64, BytesPerInputByte = 0.5, Amortised = true, Reason = "lines: the text of each batch; the others write the batch itself or reuse one scratch buffer")]
[Operator("tcp_sink", Summary = "result: bytes written; writes every element to a TCP connection (connect or listen; formats f32, cf32, cu8, i16, frames, lines, avr, beast)")]
public sealed class TcpSinkOperator : SinkOperator, INetworkOperator, IOperatorCounters, IDisposable
{
    private readonly ArrayBufferWriter<byte> _scratch = new(64 << 10);
    private TcpLink? _link;
    private WireEncoder? _encoder;
    private long _bytes;
    private long _elements;

    [Arg("mode", Allowed = [TcpLink.Connect, TcpLink.Listen], Description = "connect (default): connect to host:port; listen: bind host:port and wait for one peer")]
    public string Mode { get; set; } = TcpLink.Connect;

    [Arg("host", Required = true, Description = "the address to connect to or to listen on; must be allowed by the silo's Dagger:Net:Allow")]
    public string Host { get; set; } = "";

    [Arg("port", Required = true, Minimum = 1, Maximum = 65535, Description = "the TCP port")]
    public int Port { get; set; }

    [Arg("format", Allowed = ["f32", "cf32", "cu8", "i16", "frames", "lines", "avr", "beast"], Description = "how elements are written (default f32): see docs/network.md")]
    public string Format { get; set; } = WireFormats.F32;

    [Arg("reconnect", Description = "connect mode: retry with back-off while the peer refuses the first connection (default true)")]
    public bool Reconnect { get; set; } = true;

    public IEnumerable<NetEndpoint> Endpoints => [new("tcp", Host, Port, Mode == TcpLink.Listen)];

    public override void Consume(InputBatch input) =>
        throw new NotSupportedException("tcp_sink writes to a socket: the node calls ConsumeAsync");

    // Runs once per batch: the state machine comes from a pool instead of the heap when it has to wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask ConsumeAsync(InputBatch input, CancellationToken cancellation)
    {
        _link ??= new TcpLink($"tcp_sink (node '{NodeId}')", Mode, Host, Port, Reconnect);
        _encoder ??= WireEncoder.For(Format);
        var socket = await _link.OpenAsync(cancellation);
        _scratch.ResetWrittenCount();
        var bytes = _encoder.Encode(input, _scratch);
        try
        {
            while (bytes.Length > 0)
            {
                var sent = await socket.SendAsync(bytes, SocketFlags.None, cancellation);
                bytes = bytes[sent..];
                _bytes += sent;
            }
        }
        catch (SocketException e)
        {
            throw new IOException($"tcp_sink (node '{NodeId}'): the connection to {_link.Peer} broke after {_bytes} bytes: {e.Message}", e);
        }
        _elements += input.Count;
    }

    public override ValueTask EndAsync(CancellationToken cancellation)
    {
        if (_link?.Socket is { } socket)
        {
            // An orderly end: the peer reads end of stream after the last byte.
            socket.Shutdown(SocketShutdown.Send);
            _link.Close();
        }
        return ValueTask.CompletedTask;
    }

    public override void WriteResult(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("bytes", _bytes);
        writer.WriteNumber("elements", _elements);
        writer.WriteString("peer", _link?.Peer ?? "");
        writer.WriteEndObject();
    }

    public IReadOnlyDictionary<string, long> Counters() => NetCounters.Of(_link, null, _bytes, 0);

    public void Dispose() => _link?.Dispose();
}
