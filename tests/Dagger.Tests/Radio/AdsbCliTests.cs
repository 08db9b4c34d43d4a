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
}
