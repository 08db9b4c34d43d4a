using System.Collections.Concurrent;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Dagger.Orleans.Tests.Streams;

/// <summary>
/// An event of the MQTT provider tests: its sequence number, a payload to make it as large as a test needs, and how
/// long the consumer works on it (so that events are still in flight when a test takes something down).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MqttTestEvent([property: Id(0)] int Sequence, [property: Id(1)] byte[] Payload, [property: Id(2)] int ProcessingMs = 0);

public interface IMqttTestProducerGrain : IGrainWithStringKey
{
    /// <summary>Publishes events <paramref name="first"/>.. on the provider's stream (<paramref name="streamNamespace"/>, the grain's key), awaiting each.</summary>
    Task ProduceAsync(string provider, string streamNamespace, int first, int count, int payloadBytes, int processingMs = 0);
}

public sealed class MqttTestProducerGrain : Grain, IMqttTestProducerGrain
{
    public async Task ProduceAsync(string provider, string streamNamespace, int first, int count, int payloadBytes, int processingMs = 0)
    {
        var stream = this.GetStreamProvider(provider).GetStream<MqttTestEvent>(streamNamespace, this.GetPrimaryKeyString());
        for (var i = first; i < first + count; i++) await stream.OnNextAsync(new MqttTestEvent(i, new byte[payloadBytes], processingMs));
    }
}

/// <summary>Records every event of its stream (key = its own key) in <see cref="MqttReceivedLog"/>; subscribed implicitly, as the DAG runtime's consumers are.</summary>
[ImplicitStreamSubscription(MqttTestStreams.Namespace)]
public sealed class MqttTestConsumerGrain : Grain, IGrainWithStringKey, IStreamSubscriptionObserver, IAsyncObserver<MqttTestEvent>
{
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => handleFactory.Create<MqttTestEvent>().ResumeAsync(this);

    public async Task OnNextAsync(MqttTestEvent item, StreamSequenceToken? token = null)
    {
        // Simulated work, not synchronisation: the event counts as delivered only once it is done.
        if (item.ProcessingMs > 0) await Task.Delay(item.ProcessingMs);
        MqttReceivedLog.For(this.GetPrimaryKeyString()).Add(item, RuntimeIdentity);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

public static class MqttTestStreams
{
    public const string Namespace = "mqtt-provider-test";
}

/// <summary>What a test's consumer received (the test cluster runs in this process), with a bounded wait for "n distinct events arrived".</summary>
public sealed class MqttReceivedLog : ArrivalLog<MqttTestEvent>
{
    private static readonly ConcurrentDictionary<string, MqttReceivedLog> Logs = new();

    public static MqttReceivedLog For(string streamKey) => Logs.GetOrAdd(streamKey, _ => new MqttReceivedLog());

    public void Add(MqttTestEvent item, string silo) => Note(item, item.Sequence, silo);

    public IReadOnlyList<MqttTestEvent> Events => ArrivedEvents;

    public IReadOnlyList<int> Sequences => [.. ArrivedEvents.Select(e => e.Sequence)];

    public IReadOnlyCollection<string> Silos => [.. BySilo.Keys];

    public override string ToString() => Describe(0);
}
