using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Dagger.Orleans.Diagnostics;

namespace Dagger.Orleans.Operators.Net;

/// <summary>
/// Raw samples (<see cref="WireFormats.Datagram"/>) from UDP datagrams sent to host:port, which it binds. UDP loses
/// and reorders datagrams and says nothing; with <c>sequence</c> each datagram starts with an 8-byte little-endian
/// sequence number (as <c>udp_sink</c> with <c>sequence</c> writes them) and the source counts, in the node's stats,
/// the datagrams <c>lost</c> (never arrived) and <c>reordered</c> (arrived after a later one; dropped, since their
/// samples' place has passed; a datagram seen before counts as one of the <c>duplicates</c>). The stream ends at a datagram without samples (the end mark <c>udp_sink</c> sends last:
/// empty, or with <c>sequence</c> just the next number, so a lost tail counts too) or, with <c>idle_ms</c>, after that
/// long without a datagram.
/// </summary>
[AllocationBudget(BytesPerBatch = 256, Reason = "a pending receive (its state machine and the sender's address) when no datagram is waiting")]
[Operator("udp_source", Summary = "raw samples (f32, cf32, cu8, i16) from UDP datagrams; with sequence, counts datagrams lost and reordered")]
public sealed class UdpSourceOperator : SourceOperator, INetworkOperator, IOperatorCounters, IDisposable
{
    /// <summary>The sequence header's size.</summary>
    public const int SequenceBytes = 8;

    private const int MaxDatagram = 65535;
    private Socket? _socket;
    private WireDecoder? _decoder;
    private ReceiveBuffer? _buffer;
    private readonly byte[] _datagram = new byte[MaxDatagram];
    private long _expected;
    private long _datagrams, _bytes, _lost, _reordered, _duplicates;

    /// <summary>Sequence numbers of a gap that may still come late; a huge gap is tracked only this far.</summary>
    private readonly HashSet<long> _missing = [];
    private const int MaxTrackedGap = 65536;

    [Arg("host", Required = true, Description = "the local address to bind (the one datagrams are sent to); must be allowed by the silo's Dagger:Net:Allow")]
    public string Host { get; set; } = "";

    [Arg("port", Required = true, Minimum = 1, Maximum = 65535, Description = "the UDP port to bind")]
    public int Port { get; set; }

    [Arg("format", Allowed = ["f32", "cf32", "cu8", "i16"], Description = "the samples' format (default f32); each datagram holds whole samples")]
    public string Format { get; set; } = WireFormats.F32;

    [Arg("width", Minimum = 1, Maximum = 1 << 20, Description = "cf32, cu8: complex samples per element (default 4096)")]
    public int Width { get; set; } = 4096;

    [Arg("sequence", Description = "each datagram starts with an 8-byte little-endian sequence number: count datagrams lost and reordered (default false)")]
    public bool Sequence { get; set; }

    [Arg("idle_ms", Minimum = 1, Description = "end the stream after this many milliseconds without a datagram (absent: wait for the empty end datagram)")]
    public int? IdleMs { get; set; }

    public IEnumerable<NetEndpoint> Endpoints => [new("udp", Host, Port, Listens: true)];

    // Runs once per batch: the state machine comes from a pool instead of the heap when it has to wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<bool> ProduceAsync(OutputBuffer output, CancellationToken cancellation)
    {
        _socket ??= await BindAsync(cancellation);
        _decoder ??= WireDecoder.For(Format, Width, 0);
        _buffer ??= new ReceiveBuffer(Math.Max(4 * MaxDatagram, 2 * _decoder.MaxUnitBytes));
        // One awaited datagram, then what is already waiting, up to about a batch's worth of bytes.
        var length = await ReceiveAsync(cancellation);
        if (length < 0 || !Take(length)) return End(output);
        var budget = Math.Max(MaxDatagram, BatchSize * WireFormats.SampleBytes(Format));
        while (_buffer.Filled.Length < budget && _buffer.Free.Length >= MaxDatagram && _socket.Available > 0)
        {
            length = _socket.Receive(_datagram);
            if (!Take(length)) return End(output);
        }
        var used = _decoder.Decode(_buffer.Filled, output);
        _buffer.Taken(used, Math.Max(MaxDatagram, _decoder.MaxUnitBytes));
        output.Flush();
        return true;
    }

    /// <summary>Takes one datagram into the buffer; false at the empty end datagram.</summary>
    private bool Take(int length)
    {
        if (length == 0) return false;
        _datagrams++;
        _bytes += length;
        var payload = _datagram.AsSpan(0, length);
        if (Sequence)
        {
            if (length < SequenceBytes)
                throw new InvalidDataException($"udp_source (node '{NodeId}'): a datagram of {length} bytes has no {SequenceBytes}-byte sequence number (sequence is on)");
            var sequence = BinaryPrimitives.ReadInt64LittleEndian(payload);
            payload = payload[SequenceBytes..];
            if (payload.IsEmpty)
            {
                // The end mark, numbered after the last datagram: whatever has not come by now is lost.
                _datagrams--;
                _bytes -= length;
                _lost += Math.Max(0, sequence - _expected);
                return false;
            }
            if (sequence < _expected)
            {
                // Late: the samples after it have gone on already, so it is dropped. It was counted lost when the gap
                // opened; one not missing is a duplicate.
                if (_missing.Remove(sequence))
                {
                    _reordered++;
                    _lost--;
                }
                else
                {
                    _duplicates++;
                }
                return true;
            }
            _lost += sequence - _expected;
            for (var s = Math.Max(_expected, sequence - MaxTrackedGap); s < sequence && _missing.Count < MaxTrackedGap; s++) _missing.Add(s);
            _expected = sequence + 1;
        }
        payload.CopyTo(_buffer!.Free.Span);
        _buffer.Added(payload.Length);
        return true;
    }

    // Runs once per produce call that has to wait: pooled like ProduceAsync, or a waiting receive would box its state machine.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceiveAsync(CancellationToken cancellation)
    {
        if (IdleMs is not { } idle) return await _socket!.ReceiveAsync(_datagram, SocketFlags.None, cancellation);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        wait.CancelAfter(idle);
        try
        {
            return await _socket!.ReceiveAsync(_datagram, SocketFlags.None, wait.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            // idle_ms passed without a datagram: the stream is over.
            return -1;
        }
    }

    private bool End(OutputBuffer output)
    {
        var used = _decoder!.Decode(_buffer!.Filled, output);
        _decoder.End(_buffer.Filled[used..], output);
        _buffer.Clear();
        _socket?.Dispose();
        return false;
    }

    private async ValueTask<Socket> BindAsync(CancellationToken cancellation)
    {
        var address = (await NetAddresses.ResolveAsync(Host, cancellation))[0];
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // A burst should wait in the kernel, not be dropped there, while the DAG takes the last one.
            socket.ReceiveBufferSize = 4 << 20;
            socket.Bind(new IPEndPoint(address, Port));
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"udp_source (node '{NodeId}'): cannot bind {Host}:{Port}: {e.Message}", e);
        }
    }

    public IReadOnlyDictionary<string, long> Counters()
    {
        var counters = new Dictionary<string, long> { ["datagrams"] = _datagrams, ["bytes"] = _bytes };
        if (Sequence)
        {
            counters["lost"] = _lost;
            counters["reordered"] = _reordered;
            counters["duplicates"] = _duplicates;
        }
        if (_decoder is { Invalid: > 0 }) counters["invalid_bytes"] = _decoder.Invalid;
        return counters;
    }

    public void Dispose()
    {
        _socket?.Dispose();
        _buffer?.Dispose();
    }
}
