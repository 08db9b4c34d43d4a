using System.Globalization;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Streaming.Mqtt;
using Dagger.Orleans.Streaming.Mqtt.Hosting;
using Dagger.Orleans.Tests.Servers;
using Dagger.Orleans.Wire;
using Orleans.Streams;
using Xunit;

namespace Dagger.Orleans.Tests.Edges;

/// <summary>A real mosquitto (MQTT 5, persistent sessions) and a 2-silo cluster whose <c>mqtt</c> edges are streams on it.</summary>
public class MqttCluster : TransportCluster
{
    // Each cluster its own topics and session ids, so nothing of an earlier cluster reaches it.
    private readonly string _prefix = "dagger-edges-" + Guid.NewGuid().ToString("N")[..8];

    public MosquittoFixture Mosquitto { get; } = new();

    public override string Transport => global::Dagger.Orleans.Spec.Transports.Mqtt;

    protected override Task StartBrokerAsync() => Mosquitto.InitializeAsync();

    protected override Task StopBrokerAsync() => Mosquitto.DisposeAsync();

    protected override void AddProvider(ISiloBuilder silo) => silo.AddMqttStreams(Transport, streams =>
    {
        streams.ConfigureMqtt(ob => ob.Configure(o =>
        {
            o.Server = "127.0.0.1";
            o.Port = Mosquitto.AuthenticatedPort;
            o.UserName = MosquittoFixture.UserName;
            o.Password = MosquittoFixture.Password;
            o.TopicPrefix = _prefix;
            o.ClientIdPrefix = _prefix;
            // The fixture's broker takes packets up to 256 KiB: bigger batches go in pieces.
            o.MaxPayloadBytes = MosquittoFixture.MaxPacketSize - 4096;
        }));
        streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        streams.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(10)));
    });
}

/// <summary>The edge contract on MQTT edges.</summary>
public sealed class MqttEdgeTests(MqttCluster cluster) : EdgeContract<MqttCluster>(cluster), IClassFixture<MqttCluster>;

/// <summary>Faults under a DAG on MQTT edges; a cluster and a mosquitto of their own, since they take the broker down.</summary>
public sealed class MqttFaultTests(MqttCluster cluster) : IClassFixture<MqttCluster>
{
    private static NodeStatus Node(DagStatus status, string id) => status.Nodes.Single(n => n.NodeId == id);

    [Fact]
    public Task Mosquitto_restarted_mid_stream_loses_and_repeats_nothing() => RestartMidStreamAsync(() => cluster.Mosquitto.RestartGracefullyAsync());

    // mosquitto acknowledges before it writes to disk, so a SIGKILL can lose batches it had acknowledged: their
    // producer still holds them (until the consumer's position passes them) and sends them again.
    [Fact]
    public Task Mosquitto_killed_and_restarted_mid_stream_loses_and_repeats_nothing() => RestartMidStreamAsync(async () =>
    {
        await cluster.Mosquitto.KillAsync();
        await cluster.Mosquitto.StartAgainAsync();
    });

    private async Task RestartMidStreamAsync(Func<Task> restart)
    {
        const long count = 100_000;
        var run = await cluster.Dagger.SubmitAsync(cluster.OnTransport(new DagBuilder().Defaults(batch: 100)
            .Node("src", "range", new { count }).Node("x3", "scale", new { factor = 3 }).Node("sum", "sum").Node("count", "count")
            .Edge("src", "x3").Edge("x3", "sum").Edge("x3", "count").Build()));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Node(await run.GetStatusAsync(), "sum").Received < 10_000)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run did not get going within 60 s");
            await Task.Delay(20);
        }

        var atKill = Node(await run.GetStatusAsync(), "sum").Received;
        await restart();

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
        Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}");
        Assert.True(atKill < count, "the stream had already ended when the broker was killed");
        Assert.Equal(count, long.Parse(status.Results["count"], CultureInfo.InvariantCulture));
        Assert.Equal(3.0 * (count - 1) * count / 2, double.Parse(status.Results["sum"], CultureInfo.InvariantCulture));
    }
}
