namespace Dagger.Orleans.Wire;

/// <summary>Where big sink results are kept (<see cref="ResultDescriptor.Store"/>).</summary>
public static class ResultStores
{
    /// <summary>In a grain per result (<see cref="IResultGrain"/>), in some silo's memory: as long as the run is kept.</summary>
    public const string Memory = "memory";

    /// <summary>As blobs <c>{dagId}/{nodeId}/{chunk:D6}</c> in the container <c>dagger-results</c> of the silos' Azure state storage.</summary>
    public const string Blob = "blob";
}

/// <summary>
/// A sink's result too big to travel inline: it was written, as it was produced, in chunks of at most
/// <c>DaggerOptions.ResultChunkBytes</c> to a result store, and is read back one chunk per grain call through the
/// result's <see cref="IResultGrain"/> (key <c>dagId/nodeId</c>) — so no run record and no single message holds it.
/// The chunks, concatenated in order, are the result's JSON text (split anywhere, even inside a number).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ResultDescriptor
{
    [Id(0)] public required string DagId { get; init; }
    [Id(1)] public required string NodeId { get; init; }
    /// <summary>The JSON text's length in bytes (UTF-8).</summary>
    [Id(2)] public long Bytes { get; init; }
    [Id(3)] public int Chunks { get; init; }
    /// <summary>One of <see cref="ResultStores"/>.</summary>
    [Id(4)] public required string Store { get; init; }
}

/// <summary>One chunk of a stored result: immutable, so a call within a silo hands the array over without a copy.</summary>
[GenerateSerializer, Immutable]
public sealed record ResultChunk([property: Id(0)] byte[] Bytes);

/// <summary>
/// How far a sink that streams its result (<c>collect</c>) has written, carried with the node when it moves or
/// checkpoints: the chunks already stored, and the bytes not yet stored (the unsealed tail, and sealed chunks still to send).
/// </summary>
[GenerateSerializer]
public sealed class StreamedResultState
{
    /// <summary>The index the next sealed chunk gets (chunks below it are stored or in <see cref="Unsent"/>).</summary>
    [Id(0)] public int NextChunk { get; init; }
    [Id(1)] public long Bytes { get; init; }
    /// <summary>How many bytes the result's opening (collect: <c>[</c>) took: more than that written means values follow it.</summary>
    [Id(2)] public long OpeningBytes { get; init; }
    [Id(3)] public byte[] Tail { get; init; } = [];
    /// <summary>Sealed chunks not yet stored, in order, the first being chunk <c>NextChunk - Unsent.Length</c>.</summary>
    [Id(4)] public byte[][] Unsent { get; init; } = [];
}
