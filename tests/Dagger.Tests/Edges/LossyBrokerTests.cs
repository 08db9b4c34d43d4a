using System.Globalization;
using Dagger.Orleans.Runtime;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Cluster;
using Dagger.Orleans.Streaming.Mqtt;
using Dagger.Orleans.Streaming.Nats;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Xunit;

namespace Dagger.Orleans.Tests.Edges;

/// <summary>A NATS cluster whose broker loses one publish in 7 (answered as stored).</summary>
public sealed class LossyNatsCluster : NatsCluster
{
    protected override void AddProvider(ISiloBuilder silo)
    {
        base.AddProvider(silo);
        silo.Services.AddKeyedSingleton<IQueueAdapterFactory>(Transport, (sp, _) => new LossyQueueAdapterFactory(NatsAdapterFactory.Create(sp, Transport), everyNth: 7));
    }

    // A consumer standing still this long behind a gap has its producer send the gap again: each isolated loss costs
    // one such wait, so it is short here (the default, 10 s, suits a broker that rarely loses anything).
    protected override void ConfigureDagger(DaggerOptions options) => options.MaxWait = TimeSpan.FromMilliseconds(500);
}

/// <summary>An MQTT cluster whose broker loses one publish in 7 (answered as stored).</summary>
public sealed class LossyMqttCluster : MqttCluster
{
    protected override void AddProvider(ISiloBuilder silo)
    {
        base.AddProvider(silo);
        silo.Services.AddKeyedSingleton<IQueueAdapterFactory>(Transport, (sp, _) => new LossyQueueAdapterFactory(MqttQueueAdapterFactory.Create(sp, Transport), everyNth: 7));
    }

    protected override void ConfigureDagger(DaggerOptions options) => options.MaxWait = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Batches a broker acknowledged and then lost (issue 13): the producer keeps each batch until its consumer's position
/// passes it, and sends again what the consumer stands still behind, so every element arrives once and the run ends.
/// </summary>
public abstract class LossyBrokerContract<TCluster>(TCluster cluster) where TCluster : TransportCluster
{
    [Fact]
    public async Task A_chain_whose_broker_loses_one_batch_in_seven_completes_with_exact_sums()
    {
        const long count = 10_000;
        var droppedBefore = LossyQueueAdapterFactory.Dropped;

        var run = await cluster.Dagger.SubmitAsync(cluster.OnTransport(new DagBuilder().Defaults(batch: 100)
            .Node("src", "range", new { count }).Node("x3", "scale", new { factor = 3 }).Node("sum", "sum").Node("count", "count")
            .Edge("src", "x3").Edge("x3", "sum").Edge("x3", "count").Build()));
        await using var cleanup = run.CancelOnExit();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        DagStatus status;
        try
        {
            status = await run.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
        }
        catch (OperationCanceledException)
        {
            status = await run.GetStatusAsync();
            Assert.Fail("the run did not end within 240 s: " + string.Join("; ", status.Nodes.Select(n => $"{n.NodeId} {n.State} in {n.Received} out {n.Emitted}")));
            return;
        }

        Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}");
        Assert.True(LossyQueueAdapterFactory.Dropped > droppedBefore, "the broker lost nothing: the test did not test a loss");
        Assert.Equal(count, long.Parse(status.Results["count"], CultureInfo.InvariantCulture));
        Assert.Equal(3.0 * (count - 1) * count / 2, double.Parse(status.Results["sum"], CultureInfo.InvariantCulture));
    }
}

public sealed class LossyNatsTests(LossyNatsCluster cluster) : LossyBrokerContract<LossyNatsCluster>(cluster), IClassFixture<LossyNatsCluster>;

public sealed class LossyMqttTests(LossyMqttCluster cluster) : LossyBrokerContract<LossyMqttCluster>(cluster), IClassFixture<LossyMqttCluster>;
