using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Dagger.Orleans.Tests.Radio;
using Dagger.Orleans.Tests.Servers;
using Dagger.Orleans.Wire;
using Xunit;
using Xunit.Abstractions;

namespace Dagger.Orleans.Tests.Net;

/// <summary>
/// tcp_sink and tcp_source over loopback: every format round-trips (a sink listens, a source in the same DAG connects
/// to it), a connect-mode source reconnects after a broken connection, a listen-mode source takes a peer, and a source
/// whose DAG stands still stops reading, so its peer's writes stop too.
/// </summary>
[Collection(EmbeddedNetSiloCollection.Name)]
public sealed class TcpOperatorTests(EmbeddedNetSilo silo, ITestOutputHelper log)
{
    /// <summary>Producer nodes (the last one's id is "p") per format, and the source's extra arguments.</summary>
    private static readonly Dictionary<string, (string Nodes, string Edges, string SourceArgs)> Producers = new()
    {
        ["f32"] = ("""{ "id": "p", "op": "range", "args": { "count": 50000, "type": "float32" } }""", "", ""),
        ["i16"] = ("""{ "id": "r", "op": "range", "args": { "count": 3000, "start": -1500, "type": "float32" } }, { "id": "p", "op": "scale", "args": { "factor": 0.00048828125 } }""",
            """{ "from": "r", "to": "p" },""", ""),
        ["cf32"] = ("""{ "id": "p", "op": "chirp", "args": { "samples": 256, "count": 40 } }""", "", """, "width": 256"""),
        ["cu8"] = ("""{ "id": "p", "op": "chirp", "args": { "samples": 256, "count": 40 } }""", "", """, "width": 256"""),
        ["frames"] = ("""{ "id": "p", "op": "range", "args": { "count": 500, "type": "vector", "width": 8 } }""", "", ""),
        ["lines"] = ("""{ "id": "p", "op": "range", "args": { "count": 500 } }""", "", ""),
    };

    public static TheoryData<string> Formats() => [.. Producers.Keys];

    private static string Loop(string format, int port, string producerNodes, string producerEdges, string sourceArgs) => $$"""
        { "name": "tcp-{{format}}",
          "nodes": [ {{producerNodes}}, { "id": "sent", "op": "collect" },
            { "id": "out", "op": "tcp_sink", "args": { "mode": "listen", "host": "127.0.0.1", "port": {{port}}, "format": "{{format}}" } },
            { "id": "in", "op": "tcp_source", "args": { "host": "127.0.0.1", "port": {{port}}, "format": "{{format}}"{{sourceArgs}} } },
            { "id": "back", "op": "collect" } ],
          "edges": [ {{producerEdges}} { "from": "p", "to": "sent" }, { "from": "p", "to": "out" }, { "from": "in", "to": "back" } ] }
        """;

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task What_a_tcp_sink_writes_a_tcp_source_reads_back_as_the_same_elements(string format)
    {
        var (nodes, edges, sourceArgs) = Producers[format];
        var status = await silo.RunAsync(Loop(format, ServerProcess.FreeLoopbackPort(), nodes, edges, sourceArgs));

        var sent = EmbeddedNetSilo.Result(status, "sent").EnumerateArray().ToArray();
        var back = EmbeddedNetSilo.Result(status, "back").EnumerateArray().ToArray();
        Assert.NotEmpty(sent);
        Assert.Equal(sent.Length, back.Length);
        var written = EmbeddedNetSilo.Result(status, "out");
        Assert.Equal(written.GetProperty("bytes").GetInt64(), EmbeddedNetSilo.Counter(status, "in", "bytes"));
        Assert.Equal(1, EmbeddedNetSilo.Counter(status, "in", "connections"));
        for (var i = 0; i < sent.Length; i++)
        {
            switch (format)
            {
                case "lines":
                    Assert.Equal(sent[i].GetInt64(), back[i].GetProperty("value").GetDouble());
                    Assert.Equal(sent[i].GetRawText(), back[i].GetProperty("label").GetString());
                    break;
                case "cu8":
                    // 8 bits a part: within half a step, 1 / 255.
                    var s = sent[i].EnumerateArray().Select(x => x.GetDouble()).ToArray();
                    var b = back[i].EnumerateArray().Select(x => x.GetDouble()).ToArray();
                    Assert.Equal(s.Length, b.Length);
                    for (var j = 0; j < s.Length; j++) Assert.True(Math.Abs(s[j] - b[j]) <= 1 / 255.0 + 1e-6, $"element {i} value {j}: sent {s[j]}, back {b[j]}");
                    break;
                default:
                    Assert.Equal(sent[i].GetRawText(), back[i].GetRawText());
                    break;
            }
        }
        log.WriteLine($"{format}: {sent.Length} elements, {written.GetProperty("bytes").GetInt64()} bytes");
    }

    [Theory]
    [InlineData("avr")]
    [InlineData("beast")]
    public async Task Mode_S_frames_written_as_avr_or_beast_come_back_as_the_same_frames(string format)
    {
        var port = ServerProcess.FreeLoopbackPort();
        var spec = $$"""
            { "name": "modes-{{format}}",
              "nodes": [
                { "id": "iq", "op": "iq_file", "args": { "path": {{JsonSerializer.Serialize(AdsbCapture.Path)}}, "format": "cu8" } },
                { "id": "magnitude", "op": "magnitude" }, { "id": "detect", "op": "modes_detect" }, { "id": "p", "op": "modes_accept" },
                { "id": "sent", "op": "collect" },
                { "id": "out", "op": "tcp_sink", "args": { "mode": "listen", "host": "127.0.0.1", "port": {{port}}, "format": "{{format}}" } },
                { "id": "in", "op": "tcp_source", "args": { "host": "127.0.0.1", "port": {{port}}, "format": "{{format}}" } },
                { "id": "back", "op": "collect" } ],
              "edges": [ { "from": "iq", "to": "magnitude" }, { "from": "magnitude", "to": "detect" }, { "from": "detect", "to": "p" },
                { "from": "p", "to": "sent" }, { "from": "p", "to": "out" }, { "from": "in", "to": "back" } ] }
            """;
        var status = await silo.RunAsync(spec);

        var sent = EmbeddedNetSilo.Result(status, "sent").EnumerateArray().ToArray();
        var back = EmbeddedNetSilo.Result(status, "back").EnumerateArray().ToArray();
        // modes_accept passes exactly the frames the frames sink reports for the capture.
        Assert.Equal(AdsbCapture.Report(AdsbCapture.Detect()).Select(f => f.Hex), sent.Select(r => r.GetProperty("label").GetString()));
        Assert.Equal(sent.Select(r => r.GetProperty("label").GetString()), back.Select(r => r.GetProperty("label").GetString()));
        // Beast carries a timestamp: the sample offsets survive the trip (AVR's keys are times of arrival instead).
        if (format == "beast") Assert.Equal(sent.Select(r => r.GetProperty("key").GetInt64()), back.Select(r => r.GetProperty("key").GetInt64()));
        Assert.True(back.Select(r => r.GetProperty("key").GetInt64()).Zip(back.Skip(1).Select(r => r.GetProperty("key").GetInt64())).All(p => p.First < p.Second),
            "the keys of the frames read back rise");
    }

    [Fact]
    public async Task A_connect_mode_source_reconnects_after_its_connection_breaks_and_reads_on()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var run = await silo.SubmitAsync($$"""
            { "nodes": [ { "id": "in", "op": "tcp_source", "args": { "host": "127.0.0.1", "port": {{port}}, "format": "f32" } }, { "id": "sum", "op": "sum" } ],
              "edges": [ { "from": "in", "to": "sum" } ] }
            """);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // First connection: 1000 floats of 1, then a reset (linger 0), not an orderly end.
        using (var first = await listener.AcceptSocketAsync(timeout.Token))
        {
            await first.SendAsync(Floats(1000, 1f), SocketFlags.None, timeout.Token);
            // The source has read them (its counter says so) before the connection breaks, so none are lost with it.
            await EmbeddedNetSilo.WaitForCounterAsync(run, "in", "bytes", 4000);
            first.LingerState = new LingerOption(true, 0);
        }
        // Second connection: 500 floats of 2, then the orderly end of the stream.
        using (var second = await listener.AcceptSocketAsync(timeout.Token))
        {
            await second.SendAsync(Floats(500, 2f), SocketFlags.None, timeout.Token);
            second.Shutdown(SocketShutdown.Send);
        }
        var status = await EmbeddedNetSilo.CompletedAsync(run);

        Assert.Equal(2000.0, EmbeddedNetSilo.Result(status, "sum").GetDouble());
        Assert.Equal(2, EmbeddedNetSilo.Counter(status, "in", "connections"));
        Assert.Equal(6000, EmbeddedNetSilo.Counter(status, "in", "bytes"));
    }

    [Fact]
    public async Task A_listen_mode_source_binds_the_address_the_spec_names_and_reads_its_peer_to_the_end()
    {
        var port = ServerProcess.FreeLoopbackPort();
        var run = await silo.SubmitAsync($$"""
            { "nodes": [ { "id": "in", "op": "tcp_source", "args": { "mode": "listen", "host": "127.0.0.1", "port": {{port}}, "format": "lines" } }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "in", "to": "out" } ] }
            """);
        using var client = new TcpClient();
        // The source binds when its node starts: try until it listens (bounded).
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (attempt < 200)
            {
                await Task.Delay(25);
            }
        }
        await client.GetStream().WriteAsync("3.5\r\nhello\n42"u8.ToArray());
        client.Client.Shutdown(SocketShutdown.Send);
        var status = await EmbeddedNetSilo.CompletedAsync(run);

        var lines = EmbeddedNetSilo.Result(status, "out").EnumerateArray().ToArray();
        Assert.Equal(["3.5", "hello", "42"], lines.Select(l => l.GetProperty("label").GetString()));
        Assert.Equal(3.5, lines[0].GetProperty("value").GetDouble());
        Assert.Equal(42, lines[2].GetProperty("value").GetDouble());
        Assert.Equal([0L, 1L, 2L], lines.Select(l => l.GetProperty("key").GetInt64()));
    }

    [Fact]
    public async Task A_source_whose_DAG_stands_still_stops_reading_so_its_peer_cannot_write_more()
    {
        const int chunk = 1 << 20;
        const int maxChunks = 512;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        // The consumer sleeps a minute per element: after the first batches the DAG stands still.
        var run = await silo.SubmitAsync($$"""
            { "defaults": { "batch": 4096 },
              "nodes": [ { "id": "in", "op": "tcp_source", "args": { "host": "127.0.0.1", "port": {{port}}, "format": "f32" } },
                { "id": "slow", "op": "sleep", "args": { "ms": 60000 } }, { "id": "n", "op": "count" } ],
              "edges": [ { "from": "in", "to": "slow" }, { "from": "slow", "to": "n" } ] }
            """);
        long written = 0;
        var stalled = false;
        try
        {
            using var peer = await listener.AcceptSocketAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            var data = new byte[chunk];
            for (var i = 0; i < maxChunks && !stalled; i++)
            {
                // A write that cannot finish in 3 s is a peer held back by TCP flow control.
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                try
                {
                    for (var sent = 0; sent < chunk;) sent += await peer.SendAsync(data.AsMemory(sent), SocketFlags.None, wait.Token);
                    written += chunk;
                }
                catch (OperationCanceledException)
                {
                    stalled = true;
                }
            }
        }
        finally
        {
            await run.CancelAsync(CancelMode.Force);
        }

        log.WriteLine($"the peer wrote {written / (1 << 20)} MiB before its writes stopped");
        Assert.True(stalled, $"the peer wrote all {maxChunks} MiB: nothing held it back");
        // The DAG's window of batches, its inboxes and the two sockets' buffers: tens of MiB at most, not the 512 offered.
        Assert.True(written < 96L << 20, $"the peer wrote {written >> 20} MiB into a DAG that stood still");
    }

    private static byte[] Floats(int count, float value) => MemoryMarshal.AsBytes(Enumerable.Repeat(value, count).ToArray().AsSpan()).ToArray();
}
