using Dagger.Orleans.Streaming.Nats.Hosting;
using Dagger.Orleans.Tests.Servers;
using Orleans.Streams;
using Xunit;

namespace Dagger.Orleans.Tests.Edges;

/// <summary>A real nats-server (JetStream) and a 2-silo cluster whose <c>nats</c> edges are streams on it.</summary>
public class NatsCluster : TransportCluster
{
    public NatsServerFixture Nats { get; } = new();

    public override string Transport => global::Dagger.Orleans.Spec.Transports.Nats;

    protected override Task StartBrokerAsync() => Nats.InitializeAsync();

    protected override Task StopBrokerAsync() => Nats.DisposeAsync();

    // Each cluster its own JetStream stream and subjects, so consumers of an earlier cluster never see its messages.
    private readonly string _stream = "dagger-edges-" + Guid.NewGuid().ToString("N")[..8];

    protected override void AddProvider(ISiloBuilder silo) => silo.AddNatsStreams(Transport, streams =>
    {
        streams.ConfigureNats(o =>
        {
            o.Url = Nats.Url;
            o.User = NatsServerFixture.User;
            o.Password = NatsServerFixture.Password;
            o.StreamName = _stream;
            o.SubjectPrefix = _stream;
            o.AckWait = TimeSpan.FromSeconds(5);
        });
        streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        streams.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(10)));
    });
}

/// <summary>The edge contract on NATS JetStream edges.</summary>
public sealed class NatsEdgeTests(NatsCluster cluster) : EdgeContract<NatsCluster>(cluster), IClassFixture<NatsCluster>;
