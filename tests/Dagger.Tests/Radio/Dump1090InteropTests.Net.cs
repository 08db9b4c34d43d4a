using System.Text.Json;
using Dagger.Orleans.Tests.Net;
using Xunit;

namespace Dagger.Orleans.Tests.Radio;

/// <summary>
/// Our Mode S sinks and sources against dump1090-mutability's network ports: the frames our decoder finds in the
/// capture go into its raw (AVR) or Beast input from a <c>tcp_sink</c>, come back out of its raw and Beast outputs
/// into two <c>tcp_source</c>s equal to what was sent, and the <c>aircraft</c> sink fed from what came back lists the
/// aircraft its aircraft.json lists, every field equal.
/// </summary>
public sealed partial class Dump1090InteropTests
{
    [Theory]
    [InlineData("avr")]
    [InlineData("beast")]
    public async Task Frames_our_sink_sends_into_dump1090_come_back_out_of_its_raw_and_beast_ports_unchanged_and_both_list_the_same_aircraft(string format)
    {
        await using var dump1090 = await Dump1090Mutability.StartAsync(forwarding: true);
        var expected = AdsbCapture.Report(AdsbCapture.Detect());
        var receiving = await silo.SubmitAsync($$"""
            { "name": "from-dump1090",
              "nodes": [
                { "id": "raw", "op": "tcp_source", "args": { "host": "127.0.0.1", "port": {{dump1090.RawOutPort}}, "format": "avr" }, "max_evals": {{expected.Count}} },
                { "id": "beast", "op": "tcp_source", "args": { "host": "127.0.0.1", "port": {{dump1090.BeastOutPort}}, "format": "beast" }, "max_evals": {{expected.Count}} },
                { "id": "raw_frames", "op": "collect" }, { "id": "beast_frames", "op": "collect" },
                { "id": "decode", "op": "adsb_decode" }, { "id": "aircraft", "op": "aircraft" } ],
              "edges": [ { "from": "raw", "to": "raw_frames" }, { "from": "beast", "to": "beast_frames" },
                { "from": "raw", "to": "decode" }, { "from": "decode", "to": "aircraft" } ] }
            """);
        // dump1090 hands a frame only to the clients connected when it comes: both sources connect before any is sent.
        await EmbeddedNetSilo.WaitForCounterAsync(receiving, "raw", "connections");
        await EmbeddedNetSilo.WaitForCounterAsync(receiving, "beast", "connections");

        var input = format == "avr" ? dump1090.Server.Port : dump1090.BeastInPort;
        var sending = await silo.RunAsync($$"""
            { "name": "into-dump1090",
              "nodes": [
                { "id": "iq", "op": "iq_file", "args": { "path": {{JsonSerializer.Serialize(AdsbCapture.Path)}}, "format": "cu8" } },
                { "id": "magnitude", "op": "magnitude" }, { "id": "detect", "op": "modes_detect" }, { "id": "accept", "op": "modes_accept" },
                { "id": "out", "op": "tcp_sink", "args": { "host": "127.0.0.1", "port": {{input}}, "format": "{{format}}" } } ],
              "edges": [ { "from": "iq", "to": "magnitude" }, { "from": "magnitude", "to": "detect" }, { "from": "detect", "to": "accept" }, { "from": "accept", "to": "out" } ] }
            """);
        Assert.Equal(expected.Count, EmbeddedNetSilo.Result(sending, "out").GetProperty("elements").GetInt32());
        var status = await EmbeddedNetSilo.CompletedAsync(receiving);

        var raw = EmbeddedNetSilo.Result(status, "raw_frames").EnumerateArray().ToArray();
        var beast = EmbeddedNetSilo.Result(status, "beast_frames").EnumerateArray().ToArray();
        Assert.Equal(expected.Select(f => f.Hex), raw.Select(r => r.GetProperty("label").GetString()));
        Assert.Equal(expected.Select(f => f.Hex), beast.Select(r => r.GetProperty("label").GetString()));
        // Sent as Beast, each frame carried its sample offset as its timestamp, and dump1090 passed that on.
        if (format == "beast") Assert.Equal(expected.Select(f => f.Offset), beast.Select(r => r.GetProperty("key").GetInt64()));

        var theirs = await dump1090.FeedAsync([]);
        var ours = TableRows(EmbeddedNetSilo.Result(status, "aircraft"));
        Assert.True(Compare(ours, theirs, $"sent as {format}, read back as AVR") >= 1, "no aircraft was compared");
    }
}
