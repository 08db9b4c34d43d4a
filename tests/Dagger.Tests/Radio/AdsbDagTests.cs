using System.Text.Json;
using System.Text.Json.Nodes;
using Dagger.Orleans.Operators.Radio;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Cluster;
using Dagger.Orleans.Tests.TestSupport;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Radio;

/// <summary>The ADS-B examples on the shared 2-silo cluster: the parallel DAG's chunks run on both silos.</summary>
[Collection(TwoSiloClusterCollection.Name)]
public sealed class AdsbDagTests(TwoSiloCluster cluster)
{
    /// <summary>An example spec with its capture path made absolute (the examples' path is relative to the repository root).</summary>
    private static DagSpec Example(string file, string? path = null)
    {
        var spec = DagSpecReader.ReadOrThrow(File.ReadAllText(CliRepoRoot.File(file)));
        var nodes = spec.Nodes.Select(n =>
        {
            if (n.Op != "iq_file") return n;
            var args = n.ParseArgs();
            Assert.Equal("../shared/data/adsb/modes1.bin", (string?)args["path"]);
            args["path"] = path ?? AdsbCapture.Path;
            return n with { ArgsJson = args.ToJsonString() };
        });
        return spec with { Nodes = nodes.ToArray() };
    }

    private async Task<JsonElement> FramesOf(DagSpec spec)
    {
        var status = await cluster.RunAsync(spec, TimeSpan.FromSeconds(120));
        Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}");
        return JsonDocument.Parse(status.Results["frames"]).RootElement;
    }

    [Fact]
    public async Task The_sequential_example_reports_the_frames_the_decoder_finds_in_the_capture()
    {
        var result = await FramesOf(Example("examples/adsb.json"));

        Assert.Equal(CaptureDecodingTests.FramesInCapture, result.GetProperty("count").GetInt32());
        Assert.Equal(CaptureDecodingTests.RepairedInCapture, result.GetProperty("repaired").GetInt32());
        var expected = AdsbCapture.Report(AdsbCapture.Detect()).Select(f => (f.Offset, f.Hex));
        Assert.Equal(expected, result.GetProperty("frames").EnumerateArray().Select(f => (f.GetProperty("offset").GetInt64(), f.GetProperty("hex").GetString()!)));
    }

    [Fact]
    public async Task The_sequential_example_on_the_cluster_prints_the_aircraft_table_of_the_decoder_run_directly()
    {
        var status = await cluster.RunAsync(Example("examples/adsb.json"), TimeSpan.FromSeconds(120));

        Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}");
        var records = await AdsbOperatorTests.DecodeAsync(AdsbOperatorTests.Create<AdsbDecodeOperator>("adsb_decode"),
            AdsbCapture.Detect().Select(c => (c.Offset, c.Hex, c.BitsRepaired)));
        Assert.Equal(AdsbOperatorTests.Table(records).GetRawText(), JsonDocument.Parse(status.Results["aircraft"]).RootElement.GetRawText());
        Assert.True(JsonDocument.Parse(status.Results["aircraft"]).RootElement.GetProperty("count").GetInt32() >= 1);
    }

    [Fact]
    public async Task The_parallel_example_reports_exactly_the_frames_of_the_sequential_one_with_chunks_on_both_silos()
    {
        var sequential = await FramesOf(Example("examples/adsb.json"));
        var spec = Example("examples/adsb-parallel.json");
        var status = await cluster.RunAsync(spec, TimeSpan.FromSeconds(120));

        Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}");
        Assert.Equal(sequential.GetRawText(), JsonDocument.Parse(status.Results["frames"]).RootElement.GetRawText());
        var detectors = status.Nodes.Where(n => n.NodeId.StartsWith("detect", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, detectors.Length);
        Assert.Equal(2, detectors.Select(n => n.Silo).Distinct().Count());
    }

    [Fact]
    public void The_parallel_example_is_the_dag_AdsbDags_builds_for_four_chunks_of_the_capture()
    {
        var built = AdsbDags.Parallel("../shared/data/adsb/modes1.bin", AdsbCapture.Samples, chunks: 4).Build();
        var example = DagSpecReader.ReadOrThrow(File.ReadAllText(CliRepoRoot.File("examples/adsb-parallel.json")));

        Assert.Equal(example.Nodes.OrderBy(n => n.Id).Select(Describe), built.Nodes.OrderBy(n => n.Id).Select(Describe));
        Assert.Equal(example.Edges.Select(e => e.ToString()).Order(), built.Edges.Select(e => e.ToString()).Order());

        static string Describe(NodeSpec n) => $"{n.Id} {n.Op} {JsonNode.Parse(n.ArgsJson)!.ToJsonString()}";
    }

    [Fact]
    public void The_sequential_example_is_the_dag_AdsbDags_builds_with_aircraft()
    {
        var built = AdsbDags.WithAircraft("../shared/data/adsb/modes1.bin").Build();
        var example = DagSpecReader.ReadOrThrow(File.ReadAllText(CliRepoRoot.File("examples/adsb.json")));

        Assert.Equal(example.Nodes.OrderBy(n => n.Id).Select(Describe), built.Nodes.OrderBy(n => n.Id).Select(Describe));
        Assert.Equal(example.Edges.Select(e => e.ToString()).Order(), built.Edges.Select(e => e.ToString()).Order());

        static string Describe(NodeSpec n) => $"{n.Id} {n.Op} {JsonNode.Parse(n.ArgsJson)!.ToJsonString()}";
    }

    [Fact]
    public async Task A_cu8_file_with_half_a_sample_fails_the_run_saying_it_is_truncated()
    {
        var path = Path.Combine(Path.GetTempPath(), $"adsb-truncated-{Guid.NewGuid():N}.cu8");
        await File.WriteAllBytesAsync(path, new byte[4097]);
        try
        {
            var status = await cluster.RunAsync(Example("examples/adsb.json", path), TimeSpan.FromSeconds(60));

            Assert.Equal(DagState.Failed, status.State);
            Assert.Contains("truncated", status.Error);
            Assert.Contains(path, status.Error);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
