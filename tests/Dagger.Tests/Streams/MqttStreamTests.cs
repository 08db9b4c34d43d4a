using Dagger.Orleans.Streaming.Mqtt;
using Dagger.Orleans.Streaming.Mqtt.Hosting;
using Dagger.Orleans.Tests.Servers;
using Orleans.Hosting;
using Orleans.Streams;
using Xunit;

namespace Dagger.Orleans.Tests.Streams;

/// <summary>The provider contract on a real mosquitto (MQTT 5, QoS 1, persistent sessions, password file).</summary>
public sealed class MqttStreamTests(MqttStreamFixture fixture) : StreamProviderContract<MqttStreamFixture>(fixture)
{
    [Fact]
    public Task Every_event_arrives_at_least_once_when_the_broker_is_killed_and_restarted_mid_stream() => EveryEventArrivesWhenTheBrokerIsKilledAsync();
}

/// <summary>A mosquitto for one test class and the MQTT provider's registration with fast test settings (authenticated listener).</summary>
public sealed class MqttStreamFixture : IStreamProviderTestFixture, IAsyncLifetime
{
    private const string WrongPassword = "not-the-mqtt-password-3e1";

    public MosquittoFixture Mosquitto { get; } = new();

    public string Address => MosquittoFixture.Address(Mosquitto.AuthenticatedPort);

    /// <summary>Several times the broker's maximum packet size.</summary>
    public int LargeEventBytes => 1_500_000;

    public string PasswordSetting => nameof(MqttStreamOptions.Password);

    public string AddressSetting => nameof(MqttStreamOptions.Server);

    public IReadOnlyList<string> Secrets => [MosquittoFixture.Password, WrongPassword];

    public Task InitializeAsync() => Mosquitto.InitializeAsync();

    public Task DisposeAsync() => Mosquitto.DisposeAsync();

    public void AddStreams(ISiloBuilder silo, string providerName) => AddSiloStreams(silo, providerName, o => Configure(o, MosquittoFixture.Password));

    public void AddStreams(IClientBuilder client, string providerName) => AddClientStreams(client, providerName, o => Configure(o, MosquittoFixture.Password));

    public void AddStreamsWithWrongPassword(ISiloBuilder silo, string providerName) => AddSiloStreams(silo, providerName, o => Configure(o, WrongPassword));

    public void AddStreamsWithWrongPassword(IClientBuilder client, string providerName) => AddClientStreams(client, providerName, o => Configure(o, WrongPassword));

    public void AddStreamsAtUnreachableBroker(ISiloBuilder silo, string providerName, int closedPort) => AddSiloStreams(silo, providerName, o =>
    {
        Configure(o, MosquittoFixture.Password);
        o.Port = closedPort;
    });

    public Task KillBrokerAsync() => Mosquitto.KillAsync();

    public Task RestartBrokerAsync() => Mosquitto.StartAgainAsync();

    private const int QueueCount = 2;

    private static void AddSiloStreams(ISiloBuilder silo, string providerName, Action<MqttStreamOptions> configure) =>
        silo.AddMqttStreams(providerName, streams =>
        {
            streams.ConfigureMqtt(ob => ob.Configure(configure));
            streams.ConfigurePartitioning(QueueCount);
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            streams.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(20)));
        });

    private static void AddClientStreams(IClientBuilder client, string providerName, Action<MqttStreamOptions> configure) =>
        client.AddMqttStreams(providerName, streams =>
        {
            streams.ConfigureMqtt(ob => ob.Configure(configure));
            streams.ConfigurePartitioning(QueueCount);
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        });

    private void Configure(MqttStreamOptions o, string password)
    {
        MqttTestCluster.BrokerOptions(Mosquitto, "dagger-contract", authenticated: true)(o);
        o.Password = password;
    }
}
