using Orleans.Runtime;

namespace Dagger.Orleans.Tests.Storage;

/// <summary>A grain state with a payload whose bytes derive from a seed, so a torn or mixed-up state shows.</summary>
[GenerateSerializer]
public sealed class StorageTestState
{
    [Id(0)]
    public string Name { get; set; } = "";

    [Id(1)]
    public int Seed { get; set; }

    [Id(2)]
    public byte[] Payload { get; set; } = [];

    public static StorageTestState Create(string name, int seed, int payloadBytes)
    {
        var payload = new byte[payloadBytes];
        for (var i = 0; i < payload.Length; i++) payload[i] = PatternByte(seed, i);
        return new StorageTestState { Name = name, Seed = seed, Payload = payload };
    }

    public bool IsIntact(string expectedName, int expectedSeed, int expectedPayloadBytes)
    {
        if (Name != expectedName || Seed != expectedSeed || Payload.Length != expectedPayloadBytes) return false;
        for (var i = 0; i < Payload.Length; i++)
        {
            if (Payload[i] != PatternByte(Seed, i)) return false;
        }
        return true;
    }

    private static byte PatternByte(int seed, int index) => (byte)(seed * 31 + index * 7 + (index >> 8));
}

public interface IStorageTestGrain : IGrainWithStringKey
{
    Task SetAsync(string name, int seed, int payloadBytes);

    Task<StorageTestState> GetAsync();
}

/// <summary>Keeps one <see cref="StorageTestState"/> in the grain storage named <see cref="ProviderName"/>.</summary>
public sealed class StorageTestGrain([PersistentState("x", StorageTestGrain.ProviderName)] IPersistentState<StorageTestState> state) : Grain, IStorageTestGrain
{
    public const string ProviderName = "azure";

    public Task SetAsync(string name, int seed, int payloadBytes)
    {
        state.State = StorageTestState.Create(name, seed, payloadBytes);
        return state.WriteStateAsync();
    }

    public Task<StorageTestState> GetAsync() => Task.FromResult(state.State);
}
