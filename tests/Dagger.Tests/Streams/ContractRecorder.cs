using System.Collections.Concurrent;

namespace Dagger.Orleans.Tests.Streams;

/// <summary>What the contract consumers received, per stream key (the silos run in the test process, so a static registry sees them all).</summary>
public static class ContractRecorder
{
    private static readonly ConcurrentDictionary<string, StreamRecording> Recordings = new();

    public static StreamRecording For(string streamKey) => Recordings.GetOrAdd(streamKey, _ => new StreamRecording());
}

/// <summary>The events of one stream in arrival order, which silos took them, and waits for a number of distinct events.</summary>
public sealed class StreamRecording : ArrivalLog<ContractEvent>
{
    public void Record(ContractEvent item, string silo) => Note(item, item.Sequence, silo);

    public IReadOnlyList<ContractEvent> Arrivals => ArrivedEvents;
}
