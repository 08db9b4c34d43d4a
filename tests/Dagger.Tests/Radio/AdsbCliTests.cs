using System.Text.Json;
using Dagger.Orleans.Operators.Radio;
using Dagger.Orleans.Tests.Cli;
using Xunit;

namespace Dagger.Orleans.Tests.Radio;

/// <summary><c>./dagger run examples/adsb*.json</c> from the repository root, as a user runs them.</summary>
[Collection(CliCollection.Name)]
public sealed class AdsbCliTests(CliFixture cli)
{
    [Fact]
    public async Task Dagger_run_of_the_adsb_examples_lists_the_same_frames_of_the_real_capture()
    {
        var sequential = await cli.RunAsync("run", "examples/adsb.json");
        var parallel = await cli.RunAsync("run", "examples/adsb-parallel.json");

        Assert.True(sequential.ExitCode == 0, sequential.ToString());
        Assert.True(parallel.ExitCode == 0, parallel.ToString());
        var frames = sequential.Document().GetProperty("results").GetProperty("frames");
        Assert.Equal(CaptureDecodingTests.FramesInCapture, frames.GetProperty("count").GetInt32());
        Assert.True(frames.GetProperty("frames").GetArrayLength() >= 211);
        Assert.Equal(frames.GetRawText(), parallel.Document().GetProperty("results").GetProperty("frames").GetRawText());
    }

    [Fact]
    public async Task Dagger_run_of_the_adsb_example_prints_the_aircraft_table_the_decoder_gives_for_the_capture()
    {
        var run = await cli.RunAsync("run", "examples/adsb.json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var table = run.Document().GetProperty("results").GetProperty("aircraft");
        var decode = AdsbOperatorTests.Create<AdsbDecodeOperator>("adsb_decode");
        var records = await AdsbOperatorTests.DecodeAsync(decode, AdsbCapture.Detect().Select(c => (c.Offset, c.Hex, c.BitsRepaired)));
        Assert.Equal(AdsbOperatorTests.Table(records).GetRawText(), table.GetRawText());
        // Each of the capture's frames is a message of an aircraft in the table; the capture's aircraft has a callsign, a squawk and positions.
        var aircraft = table.GetProperty("aircraft").EnumerateArray().ToArray();
        Assert.Equal(CaptureDecodingTests.FramesInCapture, aircraft.Sum(a => a.GetProperty("messages").GetInt32()));
        Assert.Contains(aircraft, a => a.TryGetProperty("callsign", out _) && a.TryGetProperty("squawk", out _) && a.GetProperty("fixes").GetProperty("global").GetInt32() > 0);
    }
}
