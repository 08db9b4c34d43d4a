using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime.Results;

/// <summary>Results in memory, each in its own <see cref="ResultGrain"/>: one call per chunk, readable from any silo.</summary>
internal sealed class MemoryResultStore(IGrainFactory grains) : IResultStore
{
    public string Kind => ResultStores.Memory;

    public bool OutlivesSilos => false;

    public Task WriteChunkAsync(string dagId, string nodeId, int index, byte[] chunk) =>
        grains.GetGrain<IResultGrain>(ResultKeys.Of(dagId, nodeId)).WriteChunkAsync(index, new ResultChunk(chunk));

    public Task DeleteAsync(ResultDescriptor result) =>
        grains.GetGrain<IResultGrain>(ResultKeys.Of(result.DagId, result.NodeId)).DeleteAsync(result);
}
