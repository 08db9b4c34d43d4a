using Dagger.Orleans.Tests.Servers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Xunit;

namespace Dagger.Orleans.Tests.Streams;

/// <summary>
/// The tests every stream provider passes, against a real broker: a test grain produces, a consumer grain subscribed
/// implicitly (stream key = its key, as in the DAG runtime) records. Each test has a 2-silo cluster and a stream key
/// of its own; keys hold '.', '/', '*', '>', '+', '#' and spaces so the subject/topic mapping must escape them.
/// Derive a class per provider: <c>public sealed class XStreamTests(XFixture f) : StreamProviderContract&lt;XFixture&gt;(f)</c>.
/// </summary>
public abstract class StreamProviderContract<TFixture>(TFixture fixture) : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : class, IStreamProviderTestFixture
{
    protected const string Provider = "contract";
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(30);
    private readonly List<InProcessTestCluster> _clusters = [];

    protected TFixture Fixture { get; } = fixture;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var cluster in _clusters) await cluster.DisposeAsync();
    }

    [Fact]
    public async Task Every_event_arrives_intact_in_normal_operation()
    {
        var cluster = await DeployAsync();
        var key = NewStreamKey();
        const int count = 200;

        await Producer(cluster).ProduceAsync(Provider, key, 0, count, payloadBytes: 64);

        var recording = ContractRecorder.For(key);
        await recording.WaitForDistinctAsync(count, Arrival);
        var arrivals = recording.Arrivals;
        // At least once: a held message the broker delivers again after its ack wait may come twice. The DAG runtime
        // drops those (and puts late ones back in order) by each batch's edge sequence number.
        Assert.Equal(Enumerable.Range(0, count), arrivals.Select(e => e.Sequence).Distinct().Order());
        Assert.All(arrivals, e => Assert.True(e.IsIntact(64), $"event {e.Sequence} arrived corrupted"));
    }

    [Fact]
    public async Task An_event_larger_than_the_brokers_maximum_payload_arrives_whole()
    {
        var cluster = await DeployAsync();
        var key = NewStreamKey();
        var size = Fixture.LargeEventBytes;

        await Producer(cluster).ProduceAsync(Provider, key, 0, 1, size);
        await Producer(cluster).ProduceAsync(Provider, key, 1, 1, payloadBytes: 10);

        var recording = ContractRecorder.For(key);
        await recording.WaitForDistinctAsync(2, Arrival);
        var arrivals = recording.Arrivals;
        Assert.Equal([0, 1], arrivals.Select(e => e.Sequence));
        Assert.True(arrivals[0].IsIntact(size), $"the {size}-byte event arrived with {arrivals[0].Payload.Length} bytes or changed content");
    }

    [Fact]
    public async Task Events_produced_by_a_cluster_client_arrive_at_the_consumer_grain()
    {
        var cluster = await DeployAsync();
        var key = NewStreamKey();
        var stream = cluster.Client.GetStreamProvider(Provider).GetStream<ContractEvent>(StreamId.Create(ContractStreams.Namespace, key));

        for (var i = 0; i < 20; i++) await stream.OnNextAsync(ContractEvent.Create(i, 100));

        var recording = ContractRecorder.For(key);
        await recording.WaitForDistinctAsync(20, Arrival);
        Assert.Equal(Enumerable.Range(0, 20), recording.Arrivals.Select(e => e.Sequence));
    }

    /// <summary>The broker SIGKILLed and restarted mid-stream: every event arrives at least once. Each provider's class runs it as a test of its own (see there for MQTT).</summary>
    protected async Task EveryEventArrivesWhenTheBrokerIsKilledAsync()
    {
        var cluster = await DeployAsync();
        var key = NewStreamKey();
        var recording = ContractRecorder.For(key);
        const int count = 300;
        const int chunk = 20;

        var producing = ProduceInChunksAsync(Producer(cluster), key, count, chunk);
        await recording.WaitForDistinctAsync(60, Arrival);
        await Fixture.KillBrokerAsync();
        await Fixture.RestartBrokerAsync();
        await producing;

        await WaitWithBrokerStateAsync(recording, count, TimeSpan.FromSeconds(60));
        Assert.All(recording.Arrivals, e => Assert.True(e.IsIntact(256), $"event {e.Sequence} arrived corrupted"));
    }

    [Fact]
    public async Task The_rest_of_the_stream_arrives_on_the_other_silo_when_the_consumer_silo_is_killed()
    {
        var cluster = await DeployAsync();
        var primary = cluster.Silos[0];
        var victim = cluster.Silos[1];

        // A key whose consumer lives on the secondary silo (random placement: a few tries), so killing that silo
        // leaves the primary (and the in-process membership table) alive.
        string? key = null;
        for (var attempt = 0; attempt < 40 && key is null; attempt++)
        {
            var candidate = NewStreamKey();
            if (await cluster.Client.GetGrain<IContractConsumerGrain>(candidate).GetSiloAsync() == victim.SiloAddress.ToString()) key = candidate;
        }
        Assert.True(key is not null, "no consumer activation landed on the secondary silo in 40 tries");

        var recording = ContractRecorder.For(key!);
        var producer = cluster.Client.GetGrain<IContractProducerGrain>($"producer-on-primary-{Guid.NewGuid():N}");
        await producer.ProduceAsync(Provider, key!, 0, 50, 256);
        await recording.WaitForDistinctAsync(50, Arrival);

        await cluster.KillSiloAsync(victim);
        await ProduceInChunksAsync(cluster.Client.GetGrain<IContractProducerGrain>($"producer-after-kill-{Guid.NewGuid():N}"), key!, 150, 25, first: 50);

        await WaitWithBrokerStateAsync(recording, 150, TimeSpan.FromSeconds(90));
        Assert.True(recording.BySilo.GetValueOrDefault(primary.SiloAddress.ToString()) > 0, $"no event reached the surviving silo: {recording.Describe(150)}");
    }

    [Fact]
    public async Task A_silo_fails_to_start_naming_the_broker_and_the_setting_when_the_password_is_wrong()
    {
        var failure = await DeployExpectingFailureAsync(b => b.ConfigureSilo((_, silo) => Fixture.AddStreamsWithWrongPassword(silo, Provider)));

        AssertNames(failure, Fixture.Address, Fixture.PasswordSetting);
    }

    [Fact]
    public async Task A_client_fails_to_start_naming_the_broker_and_the_setting_when_the_password_is_wrong()
    {
        var failure = await DeployExpectingFailureAsync(b => b
            .ConfigureSilo((_, silo) => Fixture.AddStreams(silo, Provider))
            .ConfigureClient(client => Fixture.AddStreamsWithWrongPassword(client, Provider)));

        AssertNames(failure, Fixture.Address, Fixture.PasswordSetting);
    }

    [Fact]
    public async Task A_silo_fails_to_start_naming_the_broker_and_the_setting_when_the_broker_is_unreachable()
    {
        var closedPort = ServerProcess.FreeLoopbackPort();
        var failure = await DeployExpectingFailureAsync(b => b.ConfigureSilo((_, silo) => Fixture.AddStreamsAtUnreachableBroker(silo, Provider, closedPort)));

        AssertNames(failure, $"127.0.0.1:{closedPort}", Fixture.AddressSetting);
    }

    /// <summary>What the broker holds for the provider (pending, unacknowledged, ...), for failure messages; empty where the fixture cannot tell.</summary>
    protected virtual Task<string> DescribeBrokerAsync() => Task.FromResult("");

    private async Task WaitWithBrokerStateAsync(StreamRecording recording, int count, TimeSpan timeout)
    {
        try
        {
            await recording.WaitForDistinctAsync(count, timeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nbroker: {await DescribeBrokerAsync()}", e);
        }
    }

    protected async Task<InProcessTestCluster> DeployAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            Fixture.AddStreams(silo, Provider);
            // Declare a killed silo dead quickly, so its queues move to the survivor within seconds.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
            });
        });
        builder.ConfigureClient(client => Fixture.AddStreams(client, Provider));
        var cluster = builder.Build();
        _clusters.Add(cluster);
        await cluster.DeployAsync();
        return cluster;
    }

    private async Task<Exception> DeployExpectingFailureAsync(Action<InProcessTestClusterBuilder> configure)
    {
        var builder = new InProcessTestClusterBuilder(1);
        configure(builder);
        var cluster = builder.Build();
        _clusters.Add(cluster);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await Assert.ThrowsAnyAsync<Exception>(() => cluster.DeployAsync().WaitAsync(timeout.Token));
    }

    private void AssertNames(Exception failure, params string[] mustMention)
    {
        var text = Flatten(failure);
        foreach (var word in mustMention) Assert.True(text.Contains(word, StringComparison.Ordinal), $"the start-up error does not name '{word}':\n{text}");
        foreach (var secret in Fixture.Secrets) Assert.False(text.Contains(secret, StringComparison.Ordinal), $"the start-up error shows a password:\n{text}");
    }

    private static string Flatten(Exception e)
    {
        var all = new List<string>();
        void Walk(Exception x)
        {
            all.Add($"{x.GetType().Name}: {x.Message}");
            if (x is AggregateException aggregate) foreach (var inner in aggregate.InnerExceptions) Walk(inner);
            else if (x.InnerException is { } inner) Walk(inner);
        }
        Walk(e);
        return string.Join("\n", all);
    }

    private static IContractProducerGrain Producer(InProcessTestCluster cluster) =>
        cluster.Client.GetGrain<IContractProducerGrain>($"producer-{Guid.NewGuid():N}");

    /// <summary>
    /// Produces <paramref name="count"/> events in calls of <paramref name="chunk"/>. A call that times out (the
    /// provider's publish retries can outlast the 30 s grain call timeout while a broker restarts on a loaded machine)
    /// is made again, as a producer resends what it is not sure was sent: the contract is at-least-once delivery.
    /// </summary>
    private async Task ProduceInChunksAsync(IContractProducerGrain producer, string key, int count, int chunk, int first = 0)
    {
        for (var i = first; i < count; i += chunk)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await producer.ProduceAsync(Provider, key, i, Math.Min(chunk, count - i), 256);
                    break;
                }
                catch (TimeoutException) when (attempt < 3)
                {
                    // Sent again below; duplicates are allowed (and counted once) by the assertions.
                }
                catch (TimeoutException e)
                {
                    throw new TimeoutException($"producing events {i}.. timed out {attempt} times: {e.Message}\nbroker: {await DescribeBrokerAsync()}", e);
                }
            }
        }
    }

    /// <summary>A key unique to the test, with the characters brokers do not allow raw in subjects and topics.</summary>
    protected static string NewStreamKey() => $"dag.{Guid.NewGuid():N}/edge *>+# x";
}
