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

/// <summary>A cluster whose edges' carrier loses messages: how many it lost so far (all clusters of the kind together).</summary>
public interface ILossyCluster
{
    long Lost { get; }
}

/// <summary>A 2-silo memory cluster whose grain calls carrying batches between silos lose one in 7 (request or reply).</summary>
public sealed class LossyMemoryCluster : TransportCluster, ILossyCluster
{
    public override string Transport => global::Dagger.Orleans.Spec.Transports.Memory;

    public long Lost => LossyPushFilter.Lost;

    protected override void AddProvider(ISiloBuilder silo) => silo.AddOutgoingGrainCallFilter(new LossyPushFilter(everyNth: 7));
}

/// <summary>A NATS cluster whose broker loses one publish in 7 (answered as stored).</summary>
public sealed class LossyNatsCluster : NatsCluster, ILossyCluster
{
    public long Lost => LossyQueueAdapterFactory.Dropped;

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
public sealed class LossyMqttCluster : MqttCluster, ILossyCluster
{
    public long Lost => LossyQueueAdapterFactory.Dropped;

    protected override void AddProvider(ISiloBuilder silo)
    {
        base.AddProvider(silo);
        silo.Services.AddKeyedSingleton<IQueueAdapterFactory>(Transport, (sp, _) => new LossyQueueAdapterFactory(MqttQueueAdapterFactory.Create(sp, Transport), everyNth: 7));
    }

    protected override void ConfigureDagger(DaggerOptions options) => options.MaxWait = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Batches a carrier lost (issue 13): a broker that acknowledged and then lost a publish, or a grain call whose request or
/// reply went missing. A broker edge's producer keeps each batch until its consumer's position passes it and sends again
/// what the consumer stands still behind; a memory edge's producer sends a lost call's batches again at once. Either
/// way every element arrives once and the run ends.
/// </summary>
public abstract class LossyCarrierContract<TCluster>(TCluster cluster) where TCluster : TransportCluster, ILossyCluster
{
    [Fact]
    public async Task A_chain_whose_carrier_loses_one_message_in_seven_completes_with_exact_sums()
    {
        const long count = 10_000;
        var lostBefore = cluster.Lost;

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
        Assert.True(cluster.Lost > lostBefore, "the carrier lost nothing: the test did not test a loss");
        Assert.Equal(count, long.Parse(status.Results["count"], CultureInfo.InvariantCulture));
        Assert.Equal(3.0 * (count - 1) * count / 2, double.Parse(status.Results["sum"], CultureInfo.InvariantCulture));
    }
}

public sealed class LossyMemoryTests(LossyMemoryCluster cluster) : LossyCarrierContract<LossyMemoryCluster>(cluster), IClassFixture<LossyMemoryCluster>;

public sealed class LossyNatsTests(LossyNatsCluster cluster) : LossyCarrierContract<LossyNatsCluster>(cluster), IClassFixture<LossyNatsCluster>;

public sealed class LossyMqttTests(LossyMqttCluster cluster) : LossyCarrierContract<LossyMqttCluster>(cluster), IClassFixture<LossyMqttCluster>;
