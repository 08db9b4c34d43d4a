using System.Runtime.CompilerServices;
using System.Net.Sockets;
using System.Text.Json;
using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Operators.Signal;

namespace Dagger.Orleans.Operators.Net;

/// <summary>
/// A remote RTL-SDR dongle through <c>rtl_tcp</c> (<see cref="RtlTcpProtocol"/>): connects to host:port, reads the
/// RTL0 header, tunes it — sample rate, frequency, gain (manual in tenths of a dB, or automatic), frequency correction,
/// AGC — and emits its cu8 samples as complex elements of <c>width</c> samples, as <c>iq_file</c> with format cu8
/// does. A refused or broken connection is tried again with back-off (and tuned again) unless <c>reconnect</c> is
/// false; the stream ends when the server closes it, or after <c>count</c> samples.
/// </summary>
[Operator("rtl_tcp", Summary = "complex samples (cu8) from an rtl_tcp server, tuned from args: frequency, rate, gain")]
public sealed class RtlTcpSourceOperator : SourceOperator, INetworkOperator, IOperatorCounters, ISampleClock, IDisposable
{
    private TcpLink? _link;
    private ComplexDecoder? _decoder;
    private ReceiveBuffer? _buffer;
    private bool _tuned;
    private long _bytes, _dropped, _emitted;
    private uint _tuner, _gains;

    [Arg("host", Required = true, Description = "the rtl_tcp server; must be allowed by the silo's Dagger:Net:Allow")]
    public string Host { get; set; } = "";

    [Arg("port", Minimum = 1, Maximum = 65535, Description = "its port (default 1234, rtl_tcp's)")]
    public int Port { get; set; } = 1234;

    [Arg("frequency", Minimum = 1, Maximum = uint.MaxValue, Description = "centre frequency in Hz (default 1090000000, Mode S)")]
    public long Frequency { get; set; } = 1_090_000_000;

    [Arg("rate", Minimum = 1, Maximum = uint.MaxValue, Description = "sample rate in samples/s (default 2000000, what modes_detect takes)")]
    public long Rate { get; set; } = 2_000_000;

    [Arg("gain", Minimum = 0, Maximum = 1000, Description = "tuner gain in tenths of a dB, e.g. 496 (absent: automatic gain)")]
    public int? Gain { get; set; }

    [Arg("ppm", Minimum = -1000, Maximum = 1000, Description = "frequency correction in parts per million (default 0)")]
    public int Ppm { get; set; }

    [Arg("agc", Description = "the RTL2832's digital AGC (default false)")]
    public bool Agc { get; set; }

    [Arg("width", Minimum = 1, Maximum = 1 << 20, Description = "complex samples per element (default 4096)")]
    public int Width { get; set; } = 4096;

    [Arg("count", Minimum = 1, Description = "samples to read, then end (absent: until the server closes the connection)")]
    public long? Count { get; set; }

    [Arg("reconnect", Description = "try again with back-off (100 ms doubling to 5 s) while the server refuses, and after the connection breaks (default true)")]
    public bool Reconnect { get; set; } = true;

    public IEnumerable<NetEndpoint> Endpoints => [new("tcp", Host, Port, Listens: false)];

    public double? SampleRate => Rate;

    public long SamplesEmitted => _emitted;

    // Runs once per batch: the state machine comes from a pool instead of the heap when it has to wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<bool> ProduceAsync(OutputBuffer output, CancellationToken cancellation)
    {
        _link ??= new TcpLink($"rtl_tcp (node '{NodeId}')", TcpLink.Connect, Host, Port, Reconnect);
        _decoder ??= new ComplexDecoder(Width, bytes: true);
        _buffer ??= new ReceiveBuffer(Math.Max(256 << 10, 2 * _decoder.MaxUnitBytes));
        while (true)
        {
            var socket = await _link.OpenAsync(cancellation);
            int read;
            try
            {
                if (!_tuned) await TuneAsync(socket, cancellation);
                read = await socket.ReceiveAsync(_buffer.Free, SocketFlags.None, cancellation);
            }
            catch (SocketException) when (Reconnect)
            {
                // A broken connection: the partial element is lost with it (counted); connect and tune again.
                _dropped += _buffer.Filled.Length;
                _buffer.Clear();
                _tuned = false;
                await _link.DropAsync(cancellation);
                continue;
            }
            if (read == 0)
            {
                if (!_tuned) throw new InvalidDataException($"rtl_tcp (node '{NodeId}'): {_link.Peer} closed the connection before its 12-byte header");
                // The samples short of a whole element go out as a shorter one (a count already ended the stream).
                _emitted += _buffer.Filled.Length / 2;
                _decoder.End(_buffer.Filled, output);
                _buffer.Clear();
                _link.Close();
                return false;
            }
            _bytes += read;
            _buffer.Added(read);
            // Up to count: whole elements, then the last, shorter one once all of it is there.
            var filled = _buffer.Filled;
            var left = Count is { } count ? count - _emitted : int.MaxValue;
            filled = filled[..(int)Math.Min(filled.Length, 2 * left)];
            var used = _decoder.Decode(filled, output);
            _emitted += used / 2;
            if (Count is { } total && _emitted < total && filled.Length - used >= 2 * (total - _emitted))
            {
                var rest = (int)(total - _emitted);
                new ComplexDecoder(rest, bytes: true).Decode(filled.Slice(used, 2 * rest), output);
                used += 2 * rest;
                _emitted = total;
            }
            _buffer.Taken(used, _decoder.MaxUnitBytes);
            output.Flush();
            if (Count is { } end && _emitted >= end)
            {
                _link.Close();
                return false;
            }
            return true;
        }
    }

    /// <summary>Reads the header, then sends the tuning commands; the samples follow on the same connection.</summary>
    private async ValueTask TuneAsync(Socket socket, CancellationToken cancellation)
    {
        var header = new byte[RtlTcpProtocol.HeaderBytes];
        for (var got = 0; got < header.Length;)
        {
            var n = await socket.ReceiveAsync(header.AsMemory(got), SocketFlags.None, cancellation);
            if (n == 0) throw new InvalidDataException($"rtl_tcp (node '{NodeId}'): {_link!.Peer} closed the connection after {got} bytes of its 12-byte header");
            got += n;
        }
        try
        {
            (_tuner, _gains) = RtlTcpProtocol.ReadHeader(header);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"rtl_tcp (node '{NodeId}'): {_link!.Peer}: {e.Message}", e);
        }
        byte[][] commands =
        [
            RtlTcpProtocol.Command(RtlTcpProtocol.SetSampleRate, (uint)Rate),
            RtlTcpProtocol.Command(RtlTcpProtocol.SetFrequency, (uint)Frequency),
            RtlTcpProtocol.Command(RtlTcpProtocol.SetGainMode, Gain is null ? 0u : 1u),
            .. Gain is { } gain ? [RtlTcpProtocol.Command(RtlTcpProtocol.SetGain, (uint)gain)] : Array.Empty<byte[]>(),
            RtlTcpProtocol.Command(RtlTcpProtocol.SetFrequencyCorrection, unchecked((uint)Ppm)),
            RtlTcpProtocol.Command(RtlTcpProtocol.SetAgcMode, Agc ? 1u : 0u),
        ];
        foreach (var command in commands) await socket.SendAsync(command, SocketFlags.None, cancellation);
        _tuned = true;
    }

    public IReadOnlyDictionary<string, long> Counters()
    {
        var counters = NetCounters.Of(_link, _decoder, _bytes, _dropped);
        if (_link is { Connections: > 0 })
        {
            counters["tuner"] = _tuner;
            counters["gains"] = _gains;
        }
        return counters;
    }

    public override void SaveState(Utf8JsonWriter writer) => writer.WriteNumberValue(_emitted);

    public override void RestoreState(JsonElement state) => _emitted = state.GetInt64();

    public void Dispose()
    {
        _link?.Dispose();
        _buffer?.Dispose();
    }
}
