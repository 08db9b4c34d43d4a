using System.Collections.Immutable;
using System.Diagnostics;
using Dagger.Orleans.Client;
using Dagger.Orleans.Gpu;
using Dagger.Orleans.Placement;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Cli;
using Dagger.Orleans.Tests.TestSupport;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Xunit;

namespace Dagger.Orleans.Tests.Placement;

/// <summary>What a silo says it computes on: detected, or set by configuration, and published as silo metadata.</summary>
public sealed class AcceleratorSettingTests
{
    /// <summary>No CUDA device node and no OpenCL driver registry: the machine has no GPU ILGPU could use.</summary>
    private static bool HasNoGpuDriver => !File.Exists("/dev/nvidiactl") && !Directory.Exists("/etc/OpenCL/vendors");

    [Fact]
    public void Detection_on_a_machine_without_a_gpu_driver_reports_cpu_quickly()
    {
        var clock = Stopwatch.StartNew();
        var choice = AcceleratorDetection.Resolve("auto");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"detection took {clock.Elapsed}");
        Assert.Null(choice.DetectionFailure);
        if (HasNoGpuDriver)
        {
            Assert.Equal("cpu", choice.Accelerator.Kind);
            Assert.False(choice.Accelerator.Declared);
            Assert.Equal($"{Environment.ProcessorCount} cores", choice.Accelerator.DeviceName);
        }
    }

    [Fact]
    public void A_silo_declared_gpu_without_a_gpu_is_a_gpu_silo_whose_kernels_run_on_the_ilgpu_cpu_accelerator()
    {
        var accelerator = AcceleratorDetection.Resolve("gpu").Accelerator;

        Assert.Equal("gpu", accelerator.Kind);
        if (HasNoGpuDriver)
        {
            Assert.Equal(("ILGPU CPU accelerator", "cpu", true), (accelerator.DeviceName, accelerator.Backend, accelerator.Declared));
            Assert.Equal("gpu (ILGPU CPU accelerator, declared)", accelerator.Describe());
        }
    }

    [Fact]
    public void A_silo_forced_to_cpu_is_a_cpu_silo_whatever_it_has()
    {
        var metadata = AcceleratorDetection.Resolve("cpu").Accelerator.ToMetadata();

        Assert.Equal("cpu", metadata[SiloAccelerator.KindKey]);
        Assert.Equal("configured", metadata[SiloAccelerator.SourceKey]);
        Assert.Equal($"{Environment.ProcessorCount} cores", metadata[SiloAccelerator.DeviceNameKey]);
    }

    [Theory]
    [InlineData("tpu")]
    [InlineData("GPU")]
    [InlineData("")]
    public void An_accelerator_setting_other_than_auto_gpu_or_cpu_is_an_error_naming_the_setting(string setting)
    {
        var error = Assert.Throws<ArgumentException>(() => AcceleratorDetection.Resolve(setting));

        Assert.StartsWith($"DaggerOptions.Accelerator '{setting}' is not one of auto, gpu, cpu", error.Message);
    }

    [Fact]
    public async Task Each_silo_publishes_its_configured_accelerator_as_silo_metadata_that_the_other_silo_reads()
    {
        var (cluster, _) = await AcceleratorClusters.DeployAsync("gpu", "cpu");
        await using var _c = cluster;

        var gpu = await PublishedAsync(cluster.Silos[1].ServiceProvider, cluster.Silos[0].SiloAddress);
        var cpu = await PublishedAsync(cluster.Silos[0].ServiceProvider, cluster.Silos[1].SiloAddress);

        Assert.Equal("gpu", gpu.GetValueOrDefault(SiloAccelerator.KindKey));
        Assert.Equal("configured", gpu.GetValueOrDefault(SiloAccelerator.SourceKey));
        Assert.Equal("ILGPU CPU accelerator", gpu.GetValueOrDefault(SiloAccelerator.DeviceNameKey));
        Assert.Equal("cpu", cpu.GetValueOrDefault(SiloAccelerator.KindKey));
    }

    /// <summary>What <paramref name="silo"/> published, as another silo's metadata cache has it (waits up to 30 s for the cache to fill).</summary>
    private static async Task<ImmutableDictionary<string, string>> PublishedAsync(IServiceProvider reader, SiloAddress silo)
    {
        var cache = reader.GetRequiredService<ISiloMetadataCache>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var metadata = cache.GetSiloMetadata(silo).Metadata;
        while (metadata.IsEmpty)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no metadata of {silo} after 30 s");
            await Task.Delay(20);
            metadata = cache.GetSiloMetadata(silo).Metadata;
        }
        return metadata;
    }

    [Fact]
    public async Task The_embedded_silo_reports_the_accelerator_that_detection_finds()
    {
        await using var dagger = await DaggerClient.StartEmbeddedAsync();
        var run = await dagger.SubmitAsync(new DagBuilder().Node("src", "range", new { count = 3 }).Node("out", "sum").Edge("src", "out").Build());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(50), cts.Token);

        Assert.True(status.State == DagState.Completed, status.Error);
        var detected = AcceleratorDetection.Resolve("auto").Accelerator;
        // Being the whole cluster, it also stands in for a GPU when it has none.
        var expected = (detected with { GpuStandIn = !detected.IsGpu }).Describe();
        Assert.All(status.Nodes, n => Assert.Equal(expected, n.Accelerator));
        if (HasNoGpuDriver) Assert.StartsWith("cpu (", expected);
    }

    [Fact]
    public async Task A_bad_accelerator_setting_stops_the_silo_host_with_exit_2_naming_the_setting()
    {
        var dir = CliRepoRoot.File($"Silo/bin/{new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name}/net10.0");
        using var silo = CliProcess.Start(Path.Combine(dir, "Dagger.Orleans.Silo.dll"), dir, ["--Dagger:Silo:Accelerator=tpu"]);

        var result = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("Dagger:Silo:Accelerator 'tpu' is not one of auto, gpu, cpu", StringComparison.Ordinal));
    }
}
