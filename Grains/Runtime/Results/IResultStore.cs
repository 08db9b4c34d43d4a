using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime.Results;

/// <summary>
/// Where a silo's sinks keep results too big to travel inline, chunk by chunk: in memory in a grain per result
/// (<see cref="MemoryResultStore"/>, the default) or in Azure blobs (<see cref="BlobResultStore"/>, registered with
/// <c>AddDaggerAzureStateStorage</c>). Every silo of a cluster is meant to have the same one.
/// </summary>
internal interface IResultStore
{
    /// <summary>One of <see cref="ResultStores"/>, recorded in each result's descriptor.</summary>
    string Kind { get; }

    /// <summary>Whether results here outlive the silos (blobs do, memory does not): such results stay as long as the run's record.</summary>
    bool OutlivesSilos { get; }

    Task WriteChunkAsync(string dagId, string nodeId, int index, byte[] chunk);

    Task DeleteAsync(ResultDescriptor result);
}

internal static class ResultKeys
{
    /// <summary>The key of a result's <see cref="IResultGrain"/>: the node's key.</summary>
    public static string Of(string dagId, string nodeId) => NodeKey.Of(dagId, nodeId);
}
