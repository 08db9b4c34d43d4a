using Orleans.Runtime;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Dagger.Orleans.Tests.Streams;

/// <summary>An event of the provider contract tests: a sequence number and a payload whose bytes derive from it, so corruption shows.</summary>
[GenerateSerializer, Immutable]
public sealed record ContractEvent([property: Id(0)] int Sequence, [property: Id(1)] byte[] Payload)
{
    public static ContractEvent Create(int sequence, int payloadBytes)
    {
        var payload = new byte[payloadBytes];
        for (var i = 0; i < payload.Length; i++) payload[i] = PatternByte(sequence, i);
        return new ContractEvent(sequence, payload);
    }

    public bool IsIntact(int expectedPayloadBytes)
    {
        if (Payload.Length != expectedPayloadBytes) return false;
        for (var i = 0; i < Payload.Length; i++)
        {
            if (Payload[i] != PatternByte(Sequence, i)) return false;
        }
        return true;
    }

    private static byte PatternByte(int sequence, int index) => (byte)(sequence * 31 + index * 7 + (index >> 8));
}

public static class ContractStreams
{
    /// <summary>The namespace the contract consumer subscribes to implicitly (the DAG runtime subscribes the same way).</summary>
    public const string Namespace = "dagger-contract";
}

public interface IContractProducerGrain : IGrainWithStringKey
{
    /// <summary>Sends events first .. first+count-1 on the stream (namespace <see cref="ContractStreams.Namespace"/>, key <paramref name="streamKey"/>), one awaited OnNextAsync each.</summary>
    Task ProduceAsync(string providerName, string streamKey, int first, int count, int payloadBytes);
}

public interface IContractConsumerGrain : IGrainWithStringKey
{
    /// <summary>Activates the consumer (if needed) and says which silo it lives on.</summary>
    Task<string> GetSiloAsync();
}

public sealed class ContractProducerGrain : Grain, IContractProducerGrain
{
    public async Task ProduceAsync(string providerName, string streamKey, int first, int count, int payloadBytes)
    {
        var stream = this.GetStreamProvider(providerName).GetStream<ContractEvent>(StreamId.Create(ContractStreams.Namespace, streamKey));
        for (var i = first; i < first + count; i++) await stream.OnNextAsync(ContractEvent.Create(i, payloadBytes));
    }
}

/// <summary>Subscribed implicitly to every stream of the contract namespace whose key is its own; records what arrives in <see cref="ContractRecorder"/>.</summary>
[ImplicitStreamSubscription(ContractStreams.Namespace)]
public sealed class ContractConsumerGrain(ILocalSiloDetails silo) : Grain, IContractConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<ContractEvent>
{
    public Task<string> GetSiloAsync() => Task.FromResult(silo.SiloAddress.ToString());

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => handleFactory.Create<ContractEvent>().ResumeAsync(this);

    public Task OnNextAsync(ContractEvent item, StreamSequenceToken? token = null)
    {
        ContractRecorder.For(this.GetPrimaryKeyString()).Record(item, silo.SiloAddress.ToString());
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
