using System.Runtime.CompilerServices;
using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Net;

/// <summary>
/// Sends raw samples (<see cref="WireFormats.Datagram"/>) as UDP datagrams to host:port, each holding whole samples,
/// at most <c>datagram</c> bytes of them; with <c>sequence</c> each starts with an 8-byte little-endian sequence
/// number from 0, so <c>udp_source</c> can count what was lost. At the end it sends a datagram without samples, the end
/// mark (with <c>sequence</c>: just the next sequence number, so a lost tail is counted too).
/// UDP does not slow a sender: a receiver that cannot keep up loses datagrams (counted by a sequenced source).
/// Result: <c>{"datagrams", "bytes", "elements"}</c>.
/// </summary>
[Operator("udp_sink", Summary = "result: datagrams sent; sends raw samples (f32, cf32, cu8, i16) as UDP datagrams, optionally sequence-numbered")]
public sealed class UdpSinkOperator : SinkOperator, INetworkOperator, IDisposable
{
    private readonly ArrayBufferWriter<byte> _scratch = new(64 << 10);
    private byte[]? _datagram;
    private Socket? _socket;
    private IPEndPoint? _peer;
    private WireEncoder? _encoder;
    private long _sequence, _bytes, _elements;

    [Arg("host", Required = true, Description = "the address to send to; must be allowed by the silo's Dagger:Net:Allow")]
    public string Host { get; set; } = "";

    [Arg("port", Required = true, Minimum = 1, Maximum = 65535, Description = "the UDP port to send to")]
    public int Port { get; set; }

    [Arg("format", Allowed = ["f32", "cf32", "cu8", "i16"], Description = "the samples' format (default f32)")]
    public string Format { get; set; } = WireFormats.F32;

    [Arg("sequence", Description = "start each datagram with an 8-byte little-endian sequence number (default false)")]
    public bool Sequence { get; set; }

    [Arg("datagram", Minimum = 16, Maximum = 65000, Description = "the most sample bytes in a datagram (default 1400: one Ethernet frame with the headers)")]
    public int Datagram { get; set; } = 1400;

    public IEnumerable<NetEndpoint> Endpoints => [new("udp", Host, Port, Listens: false)];

    public override void Consume(InputBatch input) =>
        throw new NotSupportedException("udp_sink writes to a socket: the node calls ConsumeAsync");

    // Runs once per batch: the state machine comes from a pool instead of the heap when it has to wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask ConsumeAsync(InputBatch input, CancellationToken cancellation)
    {
        await OpenAsync(cancellation);
        _scratch.ResetWrittenCount();
        var bytes = _encoder!.Encode(input, _scratch);
        var sample = WireFormats.SampleBytes(Format);
        var perDatagram = Datagram / sample * sample;
        while (bytes.Length > 0)
        {
            var n = Math.Min(perDatagram, bytes.Length);
            await SendAsync(bytes[..n], cancellation);
            bytes = bytes[n..];
        }
        _elements += input.Count;
    }

    public override async ValueTask EndAsync(CancellationToken cancellation)
    {
        if (_socket is null) await OpenAsync(cancellation);
        // The end mark: no samples; with sequence numbers it carries the next one, so the source counts a lost tail too.
        var header = Sequence ? UdpSourceOperator.SequenceBytes : 0;
        if (header > 0) BinaryPrimitives.WriteInt64LittleEndian(_datagram, _sequence);
        await _socket!.SendToAsync(_datagram.AsMemory(0, header), SocketFlags.None, _peer!, cancellation);
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellation)
    {
        var header = Sequence ? UdpSourceOperator.SequenceBytes : 0;
        if (header > 0) BinaryPrimitives.WriteInt64LittleEndian(_datagram, _sequence);
        payload.Span.CopyTo(_datagram.AsSpan(header));
        _sequence++;
        _bytes += payload.Length;
        await _socket!.SendToAsync(_datagram.AsMemory(0, header + payload.Length), SocketFlags.None, _peer!, cancellation);
    }

    private async ValueTask OpenAsync(CancellationToken cancellation)
    {
        if (_socket is not null) return;
        _encoder = WireEncoder.For(Format);
        _datagram = new byte[UdpSourceOperator.SequenceBytes + Datagram];
        var address = (await NetAddresses.ResolveAsync(Host, cancellation))[0];
        _peer = new IPEndPoint(address, Port);
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
    }

    public override void WriteResult(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("datagrams", _sequence);
        writer.WriteNumber("bytes", _bytes);
        writer.WriteNumber("elements", _elements);
        writer.WriteEndObject();
    }

    public void Dispose() => _socket?.Dispose();
}
