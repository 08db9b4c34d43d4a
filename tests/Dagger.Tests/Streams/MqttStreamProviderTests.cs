using System.Diagnostics;
using Dagger.Orleans.Tests.Servers;
using Orleans.TestingHost;
using Xunit;
using Xunit.Abstractions;

namespace Dagger.Orleans.Tests.Streams;

/// <summary>
/// What the MQTT provider adds to the shared contract (<see cref="MqttStreamTests"/>): events still in flight — received
/// but not yet delivered by a slow consumer — survive a broker restart and the death of the silo that read their queue.
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed class MqttStreamProviderTests(MosquittoFixture broker, ITestOutputHelper output)
{
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_broker_restart_with_events_in_flight_loses_none_of_them()
    {
        await using var cluster = await MqttTestCluster.DeployAsync(MqttTestCluster.BrokerOptions(broker, MqttTestCluster.NewTopicPrefix()));
        var key = $"restart-{Guid.NewGuid():N}";
        const int count = 300;
        var log = MqttReceivedLog.For(key);

        // The consumer is slower than the producer, so at the restart the broker holds published events not yet delivered.
        var producing = ProduceInChunksAsync(cluster.Client.GetGrain<IMqttTestProducerGrain>(key), count);
        await log.WaitForDistinctAsync(30, ArrivalTimeout);
        var deliveredBeforeRestart = log.DistinctCount;
        await broker.RestartGracefullyAsync();
        await producing.WaitAsync(ArrivalTimeout);
        await log.WaitForDistinctAsync(count, ArrivalTimeout);
        output.WriteLine($"{deliveredBeforeRestart} delivered before the restart; in the end {log}");

        Assert.Equal(count, log.DistinctCount);
        Assert.Equal(Enumerable.Range(0, count), log.Sequences.Distinct().Order());
    }

    [Fact]
    public async Task A_silo_killed_with_events_in_flight_hands_its_queue_over_and_loses_none_of_them()
    {
        await using var cluster = await MqttTestCluster.DeployAsync(MqttTestCluster.BrokerOptions(broker, MqttTestCluster.NewTopicPrefix()));
        var survivor = cluster.Silos[0];
        var victim = cluster.Silos[1];
        var victimQueues = await WaitForQueuesAsync(cluster, victim);

        // A stream whose queue the victim reads, so killing it must move the queue (and its session) to the survivor.
        var key = Enumerable.Range(0, 1000).Select(i => $"kill-{i}-{Guid.NewGuid():N}").First(k => victimQueues.Contains(MqttTestCluster.QueueOf(cluster, k)));
        var stream = MqttTestCluster.ClientStream(cluster, key);
        var log = MqttReceivedLog.For(key);
        const int count = 200;

        // The consumer is slow, so at the kill most of the first half is received but not yet delivered: never acknowledged.
        for (var i = 0; i < count / 2; i++) await stream.OnNextAsync(new MqttTestEvent(i, new byte[128], ProcessingMs: 5));
        await log.WaitForDistinctAsync(count / 8, ArrivalTimeout);
        var deliveredBeforeKill = log.DistinctCount;
        await cluster.KillSiloAsync(victim);
        for (var i = count / 2; i < count; i++) await stream.OnNextAsync(new MqttTestEvent(i, new byte[128]));
        await log.WaitForDistinctAsync(count, ArrivalTimeout);
        output.WriteLine($"{deliveredBeforeKill} delivered before the kill; in the end {log}");

        Assert.Equal(Enumerable.Range(0, count), log.Sequences.Distinct().Order());
        Assert.Contains(MqttTestCluster.QueueOf(cluster, key), MqttTestCluster.QueuesReadBy(cluster, survivor.SiloAddress));
    }

    /// <summary>
    /// Produces in calls of 30 events; a call that times out (publishing waits out the broker's restart, which on a
    /// loaded machine can outlast the 30 s grain call timeout) is made again: what is tested is that none is lost.
    /// </summary>
    private static async Task ProduceInChunksAsync(IMqttTestProducerGrain producer, int count)
    {
        const int chunk = 30;
        for (var first = 0; first < count; first += chunk)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await producer.ProduceAsync(MqttTestCluster.Provider, MqttTestStreams.Namespace, first, Math.Min(chunk, count - first), 256, processingMs: 5);
                    break;
                }
                catch (TimeoutException) when (attempt < 3)
                {
                    // Sent again: duplicates are counted once by the assertions.
                }
            }
        }
    }

    /// <summary>The queues <paramref name="silo"/> reads, once its pulling agents have connected (a bounded poll: there is no event to await).</summary>
    private static async Task<IReadOnlyList<uint>> WaitForQueuesAsync(InProcessTestCluster cluster, InProcessSiloHandle silo)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var queues = MqttTestCluster.QueuesReadBy(cluster, silo.SiloAddress);
            if (queues.Count > 0) return queues;
            if (clock.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException($"silo {silo.SiloAddress} read no MQTT queue within 20 s");
            await Task.Delay(50);
        }
    }
}
