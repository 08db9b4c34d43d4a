using System.Collections.Immutable;
using System.Net;
using Dagger.Orleans.Placement;
using Xunit;

namespace Dagger.Orleans.Tests.Placement;

public sealed class DeviceRulesTests
{
    private static readonly SiloAddress Gpu = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 1001), 1);
    private static readonly SiloAddress Cpu1 = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 1002), 1);
    private static readonly SiloAddress Cpu2 = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 1003), 1);
    private static readonly SiloAddress Unknown = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 1004), 1);

    private static SiloAccelerator? AcceleratorOf(SiloAddress silo) =>
        silo.Equals(Gpu) ? new SiloAccelerator("gpu", "NVIDIA H100", 80L << 30, "cuda", false)
        : silo.Equals(Unknown) ? null
        : new SiloAccelerator("cpu", "16 cores", 0, "cpu", false);

    [Theory]
    [InlineData("gpu", new[] { 1001 })]
    [InlineData("cpu", new[] { 1002, 1003 })]
    [InlineData("any", new[] { 1001, 1002, 1003 })]
    public void A_device_qualifies_the_silos_whose_accelerator_serves_it_and_never_one_that_published_none(string device, int[] ports)
    {
        var qualifying = DeviceRules.Qualifying(device, [Gpu, Cpu1, Unknown, Cpu2], AcceleratorOf);

        Assert.Equal(ports, qualifying.Select(s => s.Endpoint.Port));
    }

    [Fact]
    public void A_cpu_node_takes_a_gpu_silo_only_when_no_cpu_silo_exists()
    {
        Assert.Equal([Gpu], DeviceRules.Qualifying("cpu", [Gpu, Unknown], AcceleratorOf));
        Assert.Empty(DeviceRules.Qualifying("gpu", [Cpu1, Cpu2], AcceleratorOf));
    }

    [Fact]
    public void The_refusal_names_the_node_the_device_the_capability_and_the_silos()
    {
        Assert.Equal("node 'fft1': device 'gpu' needs a silo with accelerator=gpu, and none of the cluster's 2 silos has one",
            DeviceRules.NoSilo("fft1", "gpu", 2, 0));
        Assert.Equal("node 'f': device 'gpu' needs a silo with accelerator=gpu, and the cluster's only silo does not have it",
            DeviceRules.NoSilo("f", "gpu", 1, 0));
        Assert.Equal("node 'c': device 'cpu' needs a silo with accelerator=cpu or gpu, and none of the cluster's 3 silos has one (1 of them has not published an accelerator)",
            DeviceRules.NoSilo("c", "cpu", 3, 1));
    }

    [Fact]
    public void A_silo_accelerator_survives_the_trip_through_silo_metadata()
    {
        var accelerator = new SiloAccelerator("gpu", "NVIDIA H100 80GB HBM3", 85_031_714_816, "cuda", false);

        var back = SiloAccelerator.FromMetadata(accelerator.ToMetadata().ToImmutableDictionary());

        Assert.Equal(accelerator, back);
        Assert.Equal("gpu (NVIDIA H100 80GB HBM3, 79.2 GiB, cuda)", accelerator.Describe());
    }
}
