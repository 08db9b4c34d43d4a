using System.Net;
using System.Net.Sockets;
using System.Text;
using Dagger.Orleans.Operators.Net;
using Dagger.Orleans.Operators.Radio;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Net;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Radio;

/// <summary>
/// The rtl_tcp source against a server speaking the protocol (<see cref="RtlTcpReplayServer"/>, replaying the real
/// capture): it tunes the server from its arguments, and the ADS-B DAG fed through it finds what it finds in the file.
/// </summary>
[Collection(EmbeddedNetSiloCollection.Name)]
public sealed class RtlTcpTests(EmbeddedNetSilo silo)
{
    private static byte[] Capture => File.ReadAllBytes(AdsbCapture.Path);

    [Fact]
    public async Task The_adsb_net_example_fed_by_rtl_tcp_sends_every_frame_to_its_avr_peer_and_decodes_the_file_s_aircraft()
    {
        await using var server = new RtlTcpReplayServer(Capture);
        using var avrPeer = new TcpListener(IPAddress.Loopback, 0);
        avrPeer.Start();
        var spec = Example(server.Port, ((IPEndPoint)avrPeer.LocalEndpoint).Port);
        var run = await silo.Dagger.SubmitAsync(spec);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var peer = await avrPeer.AcceptTcpClientAsync(timeout.Token);
        var received = ReadAllAsync(peer, timeout.Token);
        var status = await EmbeddedNetSilo.CompletedAsync(run);

        var lines = (await received).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = AdsbCapture.Report(AdsbCapture.Detect()).Select(f => $"*{f.Hex};").ToArray();
        Assert.Equal(CaptureDecodingTests.FramesInCapture, expected.Length);
        Assert.Equal(expected, lines);
        // The aircraft, as decoding the file directly gives them.
        var records = await AdsbOperatorTests.DecodeAsync(AdsbOperatorTests.Create<AdsbDecodeOperator>("adsb_decode"),
            AdsbCapture.Detect().Select(c => (c.Offset, c.Hex, c.BitsRepaired)));
        Assert.Equal(AdsbOperatorTests.Table(records).GetRawText(), EmbeddedNetSilo.Result(status, "aircraft").GetRawText());
        // Tuned as the example's arguments say: 2 Msps, 1090 MHz, automatic gain, no correction, no AGC.
        Assert.Equal(
            [(RtlTcpProtocol.SetSampleRate, 2_000_000u), (RtlTcpProtocol.SetFrequency, 1_090_000_000u), (RtlTcpProtocol.SetGainMode, 0u),
             (RtlTcpProtocol.SetFrequencyCorrection, 0u), (RtlTcpProtocol.SetAgcMode, 0u)],
            server.Commands.ToArray());
        Assert.Equal(AdsbCapture.Samples, EmbeddedNetSilo.Counter(status, "radio", "bytes") / 2);
        Assert.Equal(RtlTcpReplayServer.TunerR820T, EmbeddedNetSilo.Counter(status, "radio", "tuner"));
        Assert.Equal(RtlTcpReplayServer.GainSteps, EmbeddedNetSilo.Counter(status, "radio", "gains"));
    }

    [Fact]
    public async Task Tuned_elsewhere_with_a_manual_gain_the_source_hears_what_the_server_sends_there_nothing()
    {
        await using var server = new RtlTcpReplayServer(Capture);
        var status = await silo.RunAsync($$"""
            { "nodes": [ { "id": "radio", "op": "rtl_tcp", "args": { "host": "127.0.0.1", "port": {{server.Port}}, "frequency": 1089000000, "gain": 496, "ppm": -3, "agc": true } },
                { "id": "magnitude", "op": "magnitude" }, { "id": "detect", "op": "modes_detect" }, { "id": "frames", "op": "frames" } ],
              "edges": [ { "from": "radio", "to": "magnitude" }, { "from": "magnitude", "to": "detect" }, { "from": "detect", "to": "frames" } ] }
            """);

        Assert.Equal(0, EmbeddedNetSilo.Result(status, "frames").GetProperty("count").GetInt32());
        Assert.Equal(AdsbCapture.Samples, status.Nodes.Single(n => n.NodeId == "radio").Samples);
        Assert.Equal(
            [(RtlTcpProtocol.SetSampleRate, 2_000_000u), (RtlTcpProtocol.SetFrequency, 1_089_000_000u), (RtlTcpProtocol.SetGainMode, 1u),
             (RtlTcpProtocol.SetGain, 496u), (RtlTcpProtocol.SetFrequencyCorrection, unchecked((uint)-3)), (RtlTcpProtocol.SetAgcMode, 1u)],
            server.Commands.ToArray());
    }

    [Fact]
    public async Task With_count_the_source_ends_after_that_many_samples()
    {
        await using var server = new RtlTcpReplayServer(Capture);
        var status = await silo.RunAsync($$"""
            { "nodes": [ { "id": "radio", "op": "rtl_tcp", "args": { "host": "127.0.0.1", "port": {{server.Port}}, "width": 1000, "count": 2500 } },
                { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "radio", "to": "out" } ] }
            """);

        var elements = EmbeddedNetSilo.Result(status, "out").EnumerateArray().Select(e => e.GetArrayLength() / 2).ToArray();
        Assert.Equal([1000, 1000, 500], elements);
    }

    [Fact]
    public async Task A_peer_that_is_not_an_rtl_tcp_server_fails_the_node_saying_what_it_sent()
    {
        using var impostor = new TcpListener(IPAddress.Loopback, 0);
        impostor.Start();
        var run = await silo.Dagger.SubmitAsync(DagSpecReader.ReadOrThrow($$"""
            { "nodes": [ { "id": "radio", "op": "rtl_tcp", "args": { "host": "127.0.0.1", "port": {{((IPEndPoint)impostor.LocalEndpoint).Port}} } }, { "id": "n", "op": "count" } ],
              "edges": [ { "from": "radio", "to": "n" } ] }
            """));
        using (var client = await impostor.AcceptTcpClientAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token))
        {
            await client.GetStream().WriteAsync("HTTP/1.1 200"u8.ToArray());
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var status = await run.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);

            Assert.Equal(Wire.DagState.Failed, status.State);
            Assert.Contains("not an rtl_tcp server", status.Error);
            Assert.Contains(Convert.ToHexString("HTTP/1.1 200"u8), status.Error);
            Assert.Contains("radio", status.Error);
        }
    }

    /// <summary>examples/adsb-net.json with its two ports replaced (the example's are rtl_tcp's 1234 and dump1090's raw input 30001).</summary>
    private static DagSpec Example(int rtlTcpPort, int avrPort)
    {
        var spec = DagSpecReader.ReadOrThrow(File.ReadAllText(CliRepoRoot.File("examples/adsb-net.json")));
        var nodes = spec.Nodes.Select(n =>
        {
            if (n.Op is not ("rtl_tcp" or "tcp_sink")) return n;
            var args = n.ParseArgs();
            Assert.Equal("127.0.0.1", (string?)args["host"]);
            args["port"] = n.Op == "rtl_tcp" ? rtlTcpPort : avrPort;
            return n with { ArgsJson = args.ToJsonString() };
        });
        return spec with { Nodes = nodes.ToArray() };
    }

    private static async Task<string> ReadAllAsync(TcpClient client, CancellationToken cancellation)
    {
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        return await reader.ReadToEndAsync(cancellation);
    }
}
