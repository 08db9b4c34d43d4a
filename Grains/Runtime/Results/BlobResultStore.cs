using Azure;
using Azure.Storage.Blobs;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime.Results;

/// <summary>
/// Results as Azure blobs, one per chunk: <c>{dagId}/{nodeId}/{chunk:D6}</c> in one container (<c>dagger-results</c>
/// by default) of the account the silos keep run state in. A chunk written again (a node resumed from its checkpoint)
/// overwrites the same blob with the same bytes.
/// </summary>
internal sealed class BlobResultStore(BlobContainerClient container, string where) : IResultStore
{
    private volatile bool _containerExists;

    public string Kind => ResultStores.Blob;

    public bool OutlivesSilos => true;

    /// <summary>The container and its endpoint, as errors name them (never a key).</summary>
    public string Where { get; } = where;

    public static string BlobName(string dagId, string nodeId, int index) => $"{dagId}/{nodeId}/{index:D6}";

    public async Task WriteChunkAsync(string dagId, string nodeId, int index, byte[] chunk)
    {
        try
        {
            // Created at first use rather than at silo start: a silo that never stores a big result never needs it.
            if (!_containerExists)
            {
                await container.CreateIfNotExistsAsync();
                _containerExists = true;
            }
            await container.GetBlobClient(BlobName(dagId, nodeId, index)).UploadAsync(BinaryData.FromBytes(chunk), overwrite: true);
        }
        catch (RequestFailedException e)
        {
            throw new InvalidOperationException($"node '{nodeId}': chunk {index} of its result could not be stored in {Where}: {e.Message}", e);
        }
    }

    public async Task<byte[]> ReadChunkAsync(ResultDescriptor result, int index)
    {
        try
        {
            var content = await container.GetBlobClient(BlobName(result.DagId, result.NodeId, index)).DownloadContentAsync();
            return content.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new InvalidOperationException($"node '{result.NodeId}' of DAG '{result.DagId}': chunk {index} of its result is not in {Where} (deleted?)", e);
        }
        catch (RequestFailedException e)
        {
            throw new InvalidOperationException($"node '{result.NodeId}' of DAG '{result.DagId}': chunk {index} of its result could not be read from {Where}: {e.Message}", e);
        }
    }

    public async Task DeleteAsync(ResultDescriptor result)
    {
        for (var i = 0; i < result.Chunks; i++)
        {
            try
            {
                await container.GetBlobClient(BlobName(result.DagId, result.NodeId, i)).DeleteIfExistsAsync();
            }
            catch (RequestFailedException e)
            {
                throw new InvalidOperationException($"node '{result.NodeId}' of DAG '{result.DagId}': chunk {i} of its result could not be deleted from {Where}: {e.Message}", e);
            }
        }
    }
}
