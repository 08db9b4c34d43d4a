using Dagger.Orleans.Streaming.Mqtt;
using Dagger.Orleans.Streaming.Mqtt.Hosting;
using Dagger.Orleans.Tests.Servers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.TestingHost;

namespace Dagger.Orleans.Tests.Streams;

/// <summary>In-process clusters whose silos and client stream through the MQTT provider on the test broker, tuned for fast tests.</summary>
internal static class MqttTestCluster
{
    public const string Provider = "mqtt";

    /// <summary>Settings for the fixture's broker, with a topic prefix of the test's own and short retry/poll times.</summary>
    public static Action<MqttStreamOptions> BrokerOptions(MosquittoFixture broker, string topicPrefix, bool authenticated = false) => o =>
    {
        o.Server = "127.0.0.1";
        o.Port = authenticated ? broker.AuthenticatedPort : broker.AnonymousPort;
        if (authenticated)
        {
            o.UserName = MosquittoFixture.UserName;
            o.Password = MosquittoFixture.Password;
        }
        o.TopicPrefix = topicPrefix;
        o.ConnectTimeout = TimeSpan.FromSeconds(3);
        o.PublishTimeout = TimeSpan.FromSeconds(3);
        o.RetryDelay = TimeSpan.FromMilliseconds(50);
        o.MaxRetryDelay = TimeSpan.FromMilliseconds(500);
        o.RetryAttempts = 20;
    };

    public static async Task<InProcessTestCluster> DeployAsync(Action<MqttStreamOptions> siloOptions, Action<MqttStreamOptions>? clientOptions = null, short silos = 2, int queues = 4)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) =>
        {
            // DAGGER_TEST_PROVIDER_LOG=1 shows the provider's own log lines on the console, for diagnosing a failure.
            if (Environment.GetEnvironmentVariable("DAGGER_TEST_PROVIDER_LOG") == "1")
            {
                silo.Services.AddLogging(l => l.AddConsole().AddFilter("Dagger", LogLevel.Debug));
            }

            silo.AddMqttStreams(Provider, c =>
            {
                c.ConfigureMqtt(ob => ob.Configure(siloOptions));
                c.ConfigurePartitioning(queues);
                c.ConfigureCache(1000);
                c.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                c.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(20)));
            });

            // A killed silo is declared dead (and its queues move) within seconds.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
            });
        });
        builder.ConfigureClient(client => client.AddMqttStreams(Provider, c =>
        {
            c.ConfigureMqtt(ob => ob.Configure(clientOptions ?? siloOptions));
            c.ConfigurePartitioning(queues);
            c.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        }));
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The queues a silo's MQTT receivers read now.</summary>
    public static IReadOnlyList<uint> QueuesReadBy(InProcessTestCluster cluster, SiloAddress silo) =>
        ((MqttQueueAdapterFactory)cluster.GetSiloServiceProvider(silo).GetRequiredKeyedService<IQueueAdapterFactory>(Provider)).ConnectedQueues;

    /// <summary>The queue a stream of the test namespace maps to.</summary>
    public static uint QueueOf(InProcessTestCluster cluster, string streamKey) =>
        ((MqttQueueAdapterFactory)cluster.GetSiloServiceProvider().GetRequiredKeyedService<IQueueAdapterFactory>(Provider))
            .GetStreamQueueMapper().GetQueueForStream(StreamId.Create(MqttTestStreams.Namespace, streamKey)).GetNumericId();

    public static IAsyncStream<MqttTestEvent> ClientStream(InProcessTestCluster cluster, string streamKey) =>
        cluster.Client.GetStreamProvider(Provider).GetStream<MqttTestEvent>(MqttTestStreams.Namespace, streamKey);

    public static string NewTopicPrefix() => $"dagger-test/{Guid.NewGuid():N}";
}
