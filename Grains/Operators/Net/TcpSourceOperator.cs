using System.Runtime.CompilerServices;
using System.Net.Sockets;
using Dagger.Orleans.Diagnostics;

namespace Dagger.Orleans.Operators.Net;

/// <summary>
/// Elements read from a TCP connection in one of <see cref="WireFormats"/>. <c>connect</c> mode connects to host:port
/// (again, with back-off, when the peer refuses or the connection breaks, unless <c>reconnect</c> is false);
/// <c>listen</c> mode binds host:port and takes one peer. The stream ends when the peer closes the connection.
/// Backpressure: the socket is read only when the node asks for more, and the node stops asking while its output
/// window is full, so a fast peer is slowed by TCP flow control instead of filling memory.
/// </summary>
[AllocationBudget(BytesPerOutputRecord = 160, Reason = "lines, avr and beast: a record (40 B) and its label string per line or frame; the sample formats allocate nothing per element")]
[Operator("tcp_source", Summary = "elements read from a TCP connection (connect or listen; formats f32, cf32, cu8, i16, frames, lines, avr, beast)")]
public sealed class TcpSourceOperator : SourceOperator, INetworkOperator, IOperatorCounters, IDisposable
{
    private TcpLink? _link;
    private WireDecoder? _decoder;
    private ReceiveBuffer? _buffer;
    private long _bytes;
    private long _dropped;

    [Arg("mode", Allowed = [TcpLink.Connect, TcpLink.Listen], Description = "connect (default): connect to host:port; listen: bind host:port and take one peer")]
    public string Mode { get; set; } = TcpLink.Connect;

    [Arg("host", Required = true, Description = "the address to connect to or to listen on (an IP address or a host name); must be allowed by the silo's Dagger:Net:Allow")]
    public string Host { get; set; } = "";

    [Arg("port", Required = true, Minimum = 1, Maximum = 65535, Description = "the TCP port")]
    public int Port { get; set; }

    [Arg("format", Allowed = ["f32", "cf32", "cu8", "i16", "frames", "lines", "avr", "beast"], Description = "how the bytes are elements (default f32): see docs/network.md")]
    public string Format { get; set; } = WireFormats.F32;

    [Arg("width", Minimum = 1, Maximum = 1 << 20, Description = "cf32, cu8: complex samples per element (default 4096)")]
    public int Width { get; set; } = 4096;

    [Arg("max_frame", Minimum = 4, Maximum = 1 << 26, Description = "frames, lines: the longest frame or line accepted, in bytes (default 1 MiB)")]
    public int MaxFrame { get; set; } = 1 << 20;

    [Arg("reconnect", Description = "connect mode: try again with back-off (100 ms doubling to 5 s) while the peer refuses, and after the connection breaks (default true)")]
    public bool Reconnect { get; set; } = true;

    public IEnumerable<NetEndpoint> Endpoints => [new("tcp", Host, Port, Mode == TcpLink.Listen)];

    // Runs once per batch: the state machine comes from a pool instead of the heap when it has to wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<bool> ProduceAsync(OutputBuffer output, CancellationToken cancellation)
    {
        _link ??= new TcpLink($"tcp_source (node '{NodeId}')", Mode, Host, Port, Reconnect);
        _decoder ??= WireDecoder.For(Format, Width, MaxFrame);
        _buffer ??= new ReceiveBuffer(Math.Max(256 << 10, 2 * _decoder.MaxUnitBytes));
        while (true)
        {
            var socket = await _link.OpenAsync(cancellation);
            int read;
            try
            {
                read = await socket.ReceiveAsync(_buffer.Free, SocketFlags.None, cancellation);
            }
            catch (SocketException) when (_link.Connects && Reconnect)
            {
                // The connection broke: what was half received is lost with it (counted, reported in the node's stats);
                // connect again after the back-off.
                _dropped += _buffer.Filled.Length;
                _buffer.Clear();
                await _link.DropAsync(cancellation);
                continue;
            }
            if (read == 0)
            {
                _decoder.End(_buffer.Filled, output);
                _buffer.Clear();
                _link.Close();
                return false;
            }
            _bytes += read;
            _buffer.Added(read);
            var used = _decoder.Decode(_buffer.Filled, output);
            _buffer.Taken(used, _decoder.MaxUnitBytes);
            // What arrived goes on now (a live stream's latency), not when a batch has filled.
            output.Flush();
            return true;
        }
    }

    public IReadOnlyDictionary<string, long> Counters() => NetCounters.Of(_link, _decoder, _bytes, _dropped);

    public void Dispose()
    {
        _link?.Dispose();
        _buffer?.Dispose();
    }
}

internal static class NetCounters
{
    /// <summary>bytes, connections, and when any: failed connection attempts, bytes lost with a broken connection, invalid bytes, Mode A/C replies skipped.</summary>
    public static Dictionary<string, long> Of(TcpLink? link, WireDecoder? decoder, long bytes, long dropped)
    {
        var counters = new Dictionary<string, long> { ["bytes"] = bytes, ["connections"] = link?.Connections ?? 0 };
        if (link is { FailedAttempts: > 0 }) counters["failed_connects"] = link.FailedAttempts;
        if (dropped > 0) counters["bytes_lost_on_reconnect"] = dropped;
        if (decoder is { Invalid: > 0 }) counters["invalid_bytes"] = decoder.Invalid;
        var modeAc = decoder switch { AvrDecoder a => a.ModeAc, BeastDecoder b => b.ModeAc, _ => 0 };
        if (modeAc > 0) counters["mode_ac"] = modeAc;
        return counters;
    }
}
