using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Dagger.Orleans.Client;
using Dagger.Orleans.Hosting;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Orleans.TestingHost;
using Xunit;

namespace Dagger.Orleans.Tests.Edges;

/// <summary>
/// A 2-silo in-process cluster whose DAG edges may use one transport besides memory (its broker started by the
/// fixture): what the edge contract suite runs against.
/// </summary>
public abstract class TransportCluster : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public DaggerClient Dagger { get; private set; } = null!;

    /// <summary>The transport the suite puts on every edge.</summary>
    public abstract string Transport { get; }

    /// <summary>Starts the broker the transport needs (none for memory).</summary>
    protected virtual Task StartBrokerAsync() => Task.CompletedTask;

    protected virtual Task StopBrokerAsync() => Task.CompletedTask;

    /// <summary>Adds the transport's stream provider, named as the transport, to a silo.</summary>
    protected virtual void AddProvider(ISiloBuilder silo)
    {
    }

    /// <summary>Runtime settings of this cluster's silos beyond the suite's.</summary>
    protected virtual void ConfigureDagger(global::Dagger.Orleans.Runtime.DaggerOptions options)
    {
    }

    public virtual async Task InitializeAsync()
    {
        await StartBrokerAsync();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            // DAGGER_TEST_LOG=1 shows the silos' warnings and the runtime's information on the console (dotnet test -v n).
            if (Environment.GetEnvironmentVariable("DAGGER_TEST_LOG") == "1")
                silo.Services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("Dagger", LogLevel.Information));
            AddProvider(silo);
            silo.AddDagger(o =>
            {
                o.Transports.Add(Transport);
                // Nodes stay where placement put them: these tests are about the edges.
                o.BalancePeriod = TimeSpan.Zero;
                ConfigureDagger(o);
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Dagger = DaggerClient.ForGrainFactory(Cluster.Client, OperatorCatalog.FromLoadedAssemblies(), [global::Dagger.Orleans.Spec.Transports.Memory, Transport]);
    }

    public virtual async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
        await StopBrokerAsync();
    }

    /// <summary>Submits <paramref name="builder"/>'s DAG with every edge on the transport, and waits (bounded) for its end.</summary>
    public async Task<DagStatus> RunAsync(DagBuilder builder, TimeSpan? timeout = null)
    {
        var run = await Dagger.SubmitAsync(OnTransport(builder.Build()));
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        return await run.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
    }

    public DagSpec OnTransport(DagSpec spec) => spec with { DefaultTransportName = Transport };
}
