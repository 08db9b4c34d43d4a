using Dagger.Orleans.Streaming.Nats;
using Dagger.Orleans.Streaming.Nats.Hosting;
using Dagger.Orleans.Tests.Servers;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Orleans.Hosting;
using Orleans.Streams;
using Xunit;

namespace Dagger.Orleans.Tests.Streams;

/// <summary>The provider contract on a real nats-server (JetStream, file storage, user/password auth).</summary>
public sealed class NatsStreamTests(NatsStreamFixture fixture) : StreamProviderContract<NatsStreamFixture>(fixture)
{
    [Fact]
    public Task Every_event_arrives_at_least_once_when_the_broker_is_killed_and_restarted_mid_stream() => EveryEventArrivesWhenTheBrokerIsKilledAsync();

    protected override async Task<string> DescribeBrokerAsync()
    {
        await using var connection = new NatsConnection(new NatsOpts
        {
            Url = Fixture.Nats.Url,
            AuthOpts = NatsAuthOpts.Default with { Username = NatsServerFixture.User, Password = NatsServerFixture.Password },
        });
        var jetStream = new NatsJSContext(connection);
        var names = new NatsNames(Provider, new NatsStreamOptions { QueueCount = 2 });
        var stream = await jetStream.GetStreamAsync(names.StreamName);
        var text = $"stream {names.StreamName}: {stream.Info.State.Messages} messages, sequences {stream.Info.State.FirstSeq}..{stream.Info.State.LastSeq}";
        for (var queue = 0; queue < 2; queue++)
        {
            var info = (await jetStream.GetConsumerAsync(names.StreamName, names.DurableName(queue))).Info;
            text += $"; {info.Name}: pending {info.NumPending}, ack pending {info.NumAckPending}, redelivered {info.NumRedelivered}, delivered {info.Delivered.StreamSeq}, ack floor {info.AckFloor.StreamSeq}";
        }
        return text + "\nserver output (last lines):\n" + string.Join("\n", Fixture.Nats.Server.Output.Split('\n').TakeLast(40));
    }
}

/// <summary>A nats-server for one test class and the NATS provider's registration with fast test settings.</summary>
public sealed class NatsStreamFixture : IStreamProviderTestFixture, IAsyncLifetime
{
    private const string WrongPassword = "not-the-password-71c";

    public NatsServerFixture Nats { get; } = new();

    public string Address => Nats.Address;

    /// <summary>nats-server's default max_payload is 1 MiB.</summary>
    public int LargeEventBytes => 2_500_000;

    public string PasswordSetting => nameof(NatsStreamOptions.Password);

    public string AddressSetting => nameof(NatsStreamOptions.Url);

    public IReadOnlyList<string> Secrets => [NatsServerFixture.Password, WrongPassword];

    public Task InitializeAsync() => Nats.InitializeAsync();

    public Task DisposeAsync() => Nats.DisposeAsync();

    public void AddStreams(ISiloBuilder silo, string providerName) =>
        silo.AddNatsStreams(providerName, streams =>
        {
            streams.ConfigureNats(o => Configure(o, NatsServerFixture.Password));
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            streams.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(20)));
        });

    public void AddStreams(IClientBuilder client, string providerName) =>
        client.AddNatsStreams(providerName, streams =>
        {
            streams.ConfigureNats(o => Configure(o, NatsServerFixture.Password));
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        });

    public void AddStreamsWithWrongPassword(ISiloBuilder silo, string providerName) =>
        silo.AddNatsStreams(providerName, streams =>
        {
            streams.ConfigureNats(o => Configure(o, WrongPassword));
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        });

    public void AddStreamsWithWrongPassword(IClientBuilder client, string providerName) =>
        client.AddNatsStreams(providerName, o => Configure(o, WrongPassword));

    public void AddStreamsAtUnreachableBroker(ISiloBuilder silo, string providerName, int closedPort) =>
        silo.AddNatsStreams(providerName, streams =>
        {
            streams.ConfigureNats(o =>
            {
                Configure(o, NatsServerFixture.Password);
                o.Url = $"nats://127.0.0.1:{closedPort}";
            });
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        });

    public Task KillBrokerAsync() => Nats.KillAsync();

    public Task RestartBrokerAsync() => Nats.RestartAsync();

    private void Configure(NatsStreamOptions o, string password)
    {
        o.Url = Nats.Url;
        o.User = NatsServerFixture.User;
        o.Password = password;
        o.QueueCount = 2;
        o.AckWait = TimeSpan.FromSeconds(2);
        o.ConnectTimeout = TimeSpan.FromSeconds(2);
        o.ConfigureClient = c => c with { ReconnectWaitMin = TimeSpan.FromMilliseconds(50), ReconnectWaitMax = TimeSpan.FromMilliseconds(250), RequestTimeout = TimeSpan.FromSeconds(2) };
    }
}
