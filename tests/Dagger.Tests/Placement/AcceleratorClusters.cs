using Dagger.Orleans.Client;
using Dagger.Orleans.Hosting;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Orleans.TestingHost;
using Xunit;

namespace Dagger.Orleans.Tests.Placement;

/// <summary>In-process clusters whose silos declare their accelerator, as a silo's configuration would.</summary>
internal static class AcceleratorClusters
{
    /// <summary>
    /// A cluster of one silo per entry of <paramref name="accelerators"/> (the first is the primary), each declaring
    /// that accelerator; node loads are always counted afresh so placement by load is deterministic.
    /// </summary>
    public static async Task<(InProcessTestCluster Cluster, DaggerClient Dagger)> DeployAsync(params string[] accelerators)
    {
        var builder = new InProcessTestClusterBuilder((short)accelerators.Length);
        builder.ConfigureSilo((silo, siloBuilder) => siloBuilder.AddDagger(o =>
        {
            o.Accelerator = accelerators[IndexOf(silo.SiloName)];
            o.NodeLoadRefresh = TimeSpan.Zero;
        }));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return (cluster, DaggerClient.ForGrainFactory(cluster.Client, OperatorCatalog.FromLoadedAssemblies(), [Transports.Memory]));
    }

    /// <summary>The test cluster names its silos Primary, Secondary_1, Secondary_2, …</summary>
    private static int IndexOf(string siloName) => siloName == "Primary" ? 0 : int.Parse(siloName[(siloName.LastIndexOf('_') + 1)..]);

    /// <summary>The silo whose handle has <paramref name="index"/>, as node statuses name it.</summary>
    public static string SiloName(this InProcessTestCluster cluster, int index) => cluster.Silos[index].SiloAddress.ToString();

    public static async Task<DagStatus> RunAsync(this DaggerClient dagger, DagBuilder builder)
    {
        var run = await dagger.SubmitAsync(builder.Build());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);
    }
}

/// <summary>Two silos: the primary declared <c>gpu</c>, the other <c>cpu</c>.</summary>
public sealed class GpuAndCpuCluster : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public DaggerClient Dagger { get; private set; } = null!;

    public string GpuSilo => Cluster.SiloName(0);

    public string CpuSilo => Cluster.SiloName(1);

    public async Task InitializeAsync() => (Cluster, Dagger) = await AcceleratorClusters.DeployAsync("gpu", "cpu");

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class GpuAndCpuClusterCollection : ICollectionFixture<GpuAndCpuCluster>
{
    public const string Name = "gpu and cpu silos";
}
