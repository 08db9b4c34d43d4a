using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace Dagger.Orleans.Runtime.Results;

/// <summary>
/// One sink's stored result (<see cref="IResultGrain"/>). In the memory store it holds the chunks, and lives
/// <c>ResultRetention</c> after its last use (the run's grain deletes it sooner, when it lets the run go): a memory
/// result never outlives its run by more than that. For a blob result it holds nothing and reads the blob asked for.
/// </summary>
// Activated by the sink that writes it: its chunks then cross no network on their way in.
[PreferLocalPlacement]
internal sealed class ResultGrain(IOptions<DaggerOptions> options) : Grain, IResultGrain
{
    private readonly List<byte[]?> _chunks = [];

    public Task WriteChunkAsync(int index, ResultChunk chunk)
    {
        while (_chunks.Count <= index) _chunks.Add(null);
        _chunks[index] = chunk.Bytes;
        KeepForRetention();
        return Task.CompletedTask;
    }

    public async Task<ResultChunk> ReadChunkAsync(ResultDescriptor result, int index)
    {
        if (index < 0 || index >= result.Chunks) throw new ArgumentOutOfRangeException(nameof(index), $"node '{result.NodeId}': its result has chunks 0 to {result.Chunks - 1}, not {index}");
        if (result.Store == ResultStores.Blob) return new ResultChunk(await Blobs(result).ReadChunkAsync(result, index));
        if (index >= _chunks.Count || _chunks[index] is not { } chunk)
        {
            DeactivateOnIdle();
            throw new InvalidOperationException(
                $"node '{result.NodeId}' of DAG '{result.DagId}': chunk {index} of its result is no longer in memory (results are kept {options.Value.ResultRetention.TotalMinutes:0} min after the run's end, DaggerOptions.ResultRetention, and go with the silo that holds them)");
        }
        KeepForRetention();
        return new ResultChunk(chunk);
    }

    public async Task DeleteAsync(ResultDescriptor result)
    {
        if (result.Store == ResultStores.Blob) await Blobs(result).DeleteAsync(result);
        _chunks.Clear();
        DeactivateOnIdle();
    }

    private void KeepForRetention() => DelayDeactivation(options.Value.ResultRetention);

    private BlobResultStore Blobs(ResultDescriptor result) => ServiceProvider.GetService<IResultStore>() as BlobResultStore
        ?? throw new InvalidOperationException($"node '{result.NodeId}' of DAG '{result.DagId}': its result is in blob storage, and this silo has none (AddDaggerAzureStateStorage)");
}
