using Dagger.Orleans.Tests.Cli;
using Xunit;

namespace Dagger.Orleans.Tests.Placement;

/// <summary>The <c>dagger</c> command line against silos that declare their accelerator in their settings.</summary>
[Collection(CliCollection.Name)]
public sealed class PlacementCliTests(CliFixture cli, GpuAndCpuSiloProcesses cluster) : IClassFixture<GpuAndCpuSiloProcesses>
{
    private const string GpuThenCpu = """
        { "name": "gpu-then-cpu",
          "nodes": [ { "id": "src", "op": "range" },
                     { "id": "g", "op": "scale", "args": { "factor": 2 }, "device": "gpu" },
                     { "id": "out", "op": "count", "device": "cpu" } ],
          "edges": [ { "from": "src", "to": "g" }, { "from": "g", "to": "out" } ] }
        """;

    [Fact]
    public async Task Status_shows_each_node_on_the_silo_its_device_needs_with_that_silo_accelerator()
    {
        var submitted = await cli.RunAsync("submit", cli.WriteSpec("gpu-then-cpu.json", GpuThenCpu), "--cluster", cluster.ClusterFile);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var id = submitted.Stdout.Trim();
        try
        {
            var status = await cli.RunAsync("status", id, "--cluster", cluster.ClusterFile);

            Assert.True(status.ExitCode == 0, status.ToString());
            var nodes = status.Document().GetProperty("stats").GetProperty("nodes");
            string Field(string node, string name) => nodes.GetProperty(node).GetProperty(name).GetString()!;
            Assert.Equal(("gpu", "cpu", "cpu"), (Field("g", "device"), Field("src", "device"), Field("out", "device")));
            Assert.Equal("gpu (ILGPU CPU accelerator, declared)", Field("g", "accelerator"));
            Assert.StartsWith("cpu (", Field("out", "accelerator"));
            Assert.NotEqual(Field("g", "silo"), Field("out", "silo"));
            Assert.Equal(Field("src", "silo"), Field("out", "silo"));
        }
        finally
        {
            await cli.RunAsync("cancel", id, "--force", "--cluster", cluster.ClusterFile);
        }
    }

    private const string FiniteGpuThenCpu = """
        { "name": "gpu-then-cpu-finite",
          "nodes": [ { "id": "src", "op": "range", "args": { "count": 1000 } },
                     { "id": "g", "op": "scale", "args": { "factor": 2 }, "device": "gpu" },
                     { "id": "out", "op": "sum", "device": "cpu" } ],
          "edges": [ { "from": "src", "to": "g" }, { "from": "g", "to": "out" } ] }
        """;

    [Fact]
    public async Task Run_of_a_gpu_node_on_the_embedded_silo_runs_it_there_even_without_a_gpu()
    {
        // The embedded silo is the whole cluster: with no GPU it stands in for one (kernels on ILGPU's CPU accelerator).
        var result = await cli.RunAsync("run", cli.WriteSpec("gpu-embedded.json", FiniteGpuThenCpu), "--timeout", "30");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(999_000.0, result.Document().GetProperty("results").GetProperty("out").GetDouble());
    }
}
