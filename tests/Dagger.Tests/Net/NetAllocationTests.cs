using System.Net;
using System.Net.Sockets;
using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Tests.Alloc;
using Dagger.Orleans.Tests.Radio;
using Xunit;
using Xunit.Abstractions;

namespace Dagger.Orleans.Tests.Net;

/// <summary>
/// The network operators' steady-state allocation (as <c>dagger alloc</c> measures it), each against a loopback peer
/// that feeds or drains it without end: the operator budget suite's cases cannot start peers, so these are its cases
/// for <see cref="Operators"/>.
/// </summary>
public sealed class NetAllocationTests(ITestOutputHelper log)
{
    /// <summary>The operators measured here (the budget suite counts them as covered).</summary>
    public static readonly string[] Operators = ["tcp_source", "tcp_sink", "udp_source", "udp_sink", "rtl_tcp"];

    [Theory]
    [InlineData("f32", 1024)]
    [InlineData("cu8", 16)]
    [InlineData("avr", 256)]
    public async Task A_tcp_source_fed_without_end_stays_within_its_budget(string format, int batch)
    {
        var line = "*8D4840D6202CC371C32CE0576098;\n"u8.ToArray();
        await using var peer = Feeder.Tcp(chunk => { for (var i = 0; i < chunk.Length; i++) chunk[i] = format == "avr" ? line[i % line.Length] : (byte)i; });
        Measure("tcp_source", AllocSpecs.Chain(batch, $$$"""{"op":"tcp_source","args":{"host":"127.0.0.1","port":{{{peer.Port}}},"format":"{{{format}}}","width":512}}""", """{"op":"count"}"""));
    }

    [Theory]
    [InlineData("""{"op":"range","args":{"type":"float32"}}""", "f32", 1024)]
    [InlineData("""{"op":"chirp","args":{"samples":512}}""", "cu8", 16)]
    public async Task A_tcp_sink_drained_without_end_stays_within_its_budget(string producer, string format, int batch)
    {
        await using var peer = Feeder.Drain();
        Measure("tcp_sink", AllocSpecs.Chain(batch, producer, $$$"""{"op":"tcp_sink","args":{"host":"127.0.0.1","port":{{{peer.Port}}},"format":"{{{format}}}"}}"""));
    }

    [Fact]
    public async Task A_udp_sink_and_a_udp_source_stay_within_their_budgets()
    {
        using var drain = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        drain.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var drainPort = ((IPEndPoint)drain.LocalEndPoint!).Port;
        Measure("udp_sink", AllocSpecs.Chain(1024, """{"op":"range","args":{"type":"float32"}}""", $$$"""{"op":"udp_sink","args":{"host":"127.0.0.1","port":{{{drainPort}}},"sequence":true}}"""));

        await using var feeder = Feeder.Udp();
        Measure("udp_source", AllocSpecs.Chain(1024, $$$"""{"op":"udp_source","args":{"host":"127.0.0.1","port":{{{feeder.Port}}},"sequence":true}}""", """{"op":"count"}"""));
    }

    [Fact]
    public async Task An_rtl_tcp_source_stays_within_its_budget()
    {
        await using var server = new RtlTcpReplayServer(File.ReadAllBytes(AdsbCapture.Path), passes: 1000);
        Measure("rtl_tcp", AllocSpecs.Chain(16, $$$"""{"op":"rtl_tcp","args":{"host":"127.0.0.1","port":{{{server.Port}}},"width":4096}}""", """{"op":"count"}"""));
    }

    private void Measure(string op, string spec)
    {
        var report = AllocSpecs.Measure(spec);
        var table = AllocSpecs.Describe(report);
        log.WriteLine(table);
        var node = Assert.Single(report.Nodes, n => n.Operator == op);
        Assert.True(node.Verdict == AllocationVerdict.Ok, $"{op} is {node.Verdict}:\n{table}");
    }

    /// <summary>A loopback peer for one operator: writes without end (TCP, UDP) or reads without end (drain); disposing stops it.</summary>
    private sealed class Feeder : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _work = Task.CompletedTask;
        private IDisposable? _socket;

        public int Port { get; private set; }

        public static Feeder Tcp(Action<byte[]> fill) => Accepting(async (peer, stop) =>
        {
            var chunk = new byte[64 << 10];
            fill(chunk);
            while (!stop.IsCancellationRequested) await peer.SendAsync(chunk, SocketFlags.None, stop);
        });

        public static Feeder Drain() => Accepting(async (peer, stop) =>
        {
            var chunk = new byte[64 << 10];
            while (!stop.IsCancellationRequested && await peer.ReceiveAsync(chunk, SocketFlags.None, stop) > 0)
            {
            }
        });

        /// <summary>Sequence-numbered datagrams of 64 floats to a port the source binds, sent until disposed.</summary>
        public static Feeder Udp()
        {
            var feeder = new Feeder();
            using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                feeder.Port = ((IPEndPoint)probe.LocalEndPoint!).Port;
            }
            var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            feeder._socket = sender;
            var to = new IPEndPoint(IPAddress.Loopback, feeder.Port);
            feeder._work = Task.Run(async () =>
            {
                var datagram = new byte[8 + 256];
                for (long sequence = 0; !feeder._stop.IsCancellationRequested; sequence++)
                {
                    BitConverter.TryWriteBytes(datagram, sequence);
                    await sender.SendToAsync(datagram, SocketFlags.None, to);
                    // Nobody may listen yet, and a flood would only be dropped: a datagram per few microseconds is plenty.
                    if (sequence % 64 == 0) await Task.Delay(1);
                }
            });
            return feeder;
        }

        private static Feeder Accepting(Func<Socket, CancellationToken, Task> serve)
        {
            var feeder = new Feeder();
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            feeder.Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            feeder._socket = new Stopper(listener.Stop);
            feeder._work = Task.Run(async () =>
            {
                using var peer = await listener.AcceptSocketAsync(feeder._stop.Token);
                await serve(peer, feeder._stop.Token);
            });
            return feeder;
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _socket?.Dispose();
            try
            {
                await _work;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped while writing or reading: what disposing asks.
            }
            _stop.Dispose();
        }

        private sealed class Stopper(Action stop) : IDisposable
        {
            public void Dispose() => stop();
        }
    }

}
