using Dagger.Orleans.Client;
using Dagger.Orleans.Hosting;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Streaming.Mqtt.Hosting;
using Dagger.Orleans.Streaming.Nats.Hosting;
using Dagger.Orleans.Tests.Servers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.TestingHost;
using Xunit;

namespace Dagger.Orleans.Tests.Durability;

/// <summary>
/// What durable runs need, for real: Azurite (the run-state storage: official Orleans blob storage for runs, table storage for checkpoints), nats-server and mosquitto (the edges),
/// and a 2-silo in-process cluster on them. <see cref="RestartAsync"/> kills every silo and starts a new cluster of
/// the same service on the same servers — a full cluster restart.
/// </summary>
public sealed class DurableCluster : IAsyncLifetime
{
    public const string StorageName = "dagger";
    public const string CheckpointStorageName = "dagger-checkpoints";
    private readonly string _serviceId = "durable-" + Guid.NewGuid().ToString("N")[..8];

    public AzuriteFixture Azurite { get; } = new();

    public NatsServerFixture Nats { get; } = new();

    public MosquittoFixture Mosquitto { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public DaggerClient Dagger { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Azurite.InitializeAsync(), Nats.InitializeAsync(), Mosquitto.InitializeAsync());
        await StartClusterAsync();
    }

    /// <summary>Kills every silo (no graceful stop: nothing is handed over), then starts a new cluster of the same service.</summary>
    public async Task RestartAsync()
    {
        foreach (var silo in Cluster.Silos.ToList()) await Cluster.KillSiloAsync(silo);
        await Cluster.DisposeAsync();
        await StartClusterAsync();
    }

    /// <summary>A spec with every edge on <paramref name="transport"/> (nats or mqtt).</summary>
    public static DagSpec On(string transport, DagSpec spec) => spec with { DefaultTransportName = transport };

    private async Task StartClusterAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ServiceId = _serviceId;
        builder.Options.ClusterId = "durable";
        var connectionString = Azurite.ConnectionString;
        var natsUrl = Nats.Url;
        var mqttPort = Mosquitto.AuthenticatedPort;
        builder.ConfigureSilo((_, silo) =>
        {
            if (Environment.GetEnvironmentVariable("DAGGER_TEST_LOG") == "1")
                silo.Services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("Dagger", LogLevel.Information));
            silo.AddDaggerAzureStateStorage(connectionString);
            silo.AddNatsStreams(Transports.Nats, streams =>
            {
                streams.ConfigureNats(o =>
                {
                    o.Url = natsUrl;
                    o.User = NatsServerFixture.User;
                    o.Password = NatsServerFixture.Password;
                });
                streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                streams.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(20)));
            });
            silo.AddMqttStreams(Transports.Mqtt, streams =>
            {
                streams.ConfigureMqtt(ob => ob.Configure(o =>
                {
                    o.Server = "127.0.0.1";
                    o.Port = mqttPort;
                    o.UserName = MosquittoFixture.UserName;
                    o.Password = MosquittoFixture.Password;
                    o.MaxPayloadBytes = MosquittoFixture.MaxPacketSize - 4096;
                }));
                streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                streams.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(20)));
            });
            silo.AddDagger(o =>
            {
                o.Transports.Add(Transports.Nats);
                o.Transports.Add(Transports.Mqtt);
                o.StateStorage = StorageName;
                o.CheckpointStorage = CheckpointStorageName;
                o.BalancePeriod = TimeSpan.Zero;
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Dagger = DaggerClient.ForGrainFactory(Cluster.Client, OperatorCatalog.FromLoadedAssemblies(), [Transports.Memory, Transports.Nats, Transports.Mqtt]);
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
        await Nats.DisposeAsync();
        await Mosquitto.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
