using Dagger.Orleans.Client;
using Dagger.Orleans.Hosting;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Orleans.TestingHost;
using Xunit;

namespace Dagger.Orleans.Tests.Cluster;

/// <summary>One 2-silo in-process cluster shared by every cluster test (starting one costs seconds on 2 cores).</summary>
public sealed class TwoSiloCluster : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public DaggerClient Dagger { get; private set; } = null!;

    public async Task InitializeAsync() => (Cluster, Dagger) = await DeployAsync();

    /// <summary>A fresh 2-silo cluster with the DAG runtime, and a client of it (for tests that take a silo down).</summary>
    public static async Task<(InProcessTestCluster Cluster, DaggerClient Dagger)> DeployAsync(Action<Dagger.Orleans.Runtime.DaggerOptions>? configure = null, short silos = 2)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) => silo.AddDagger(o =>
        {
            // Nodes stay where placement put them unless a test turns balancing on: most tests check where nodes run.
            o.BalancePeriod = TimeSpan.Zero;
            // Tests read capture files from wherever they put them; FileRootsTests checks the roots themselves.
            o.Files.Unrestricted = true;
            configure?.Invoke(o);
        }));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return (cluster, DaggerClient.ForGrainFactory(cluster.Client, OperatorCatalog.FromLoadedAssemblies(), [Transports.Memory]));
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Submits and waits (bounded) for the run to end.</summary>
    public async Task<DagStatus> RunAsync(DagSpec spec, TimeSpan? timeout = null)
    {
        var run = await Dagger.SubmitAsync(spec);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        return await run.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
    }

    public Task<DagStatus> RunAsync(DagBuilder builder, TimeSpan? timeout = null) => RunAsync(builder.Build(), timeout);
}

[CollectionDefinition(Name)]
public sealed class TwoSiloClusterCollection : ICollectionFixture<TwoSiloCluster>
{
    public const string Name = "two-silo cluster";
}
