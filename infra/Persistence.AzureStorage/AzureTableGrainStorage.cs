using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Dagger.Orleans.Persistence.AzureStorage;

/// <summary>
/// Grain state in an Azure table: one row per (service, grain, state name), serialized by the silo's
/// <see cref="IGrainStorageSerializer"/>. A state over 64 KiB goes to a blob that the row references; every write of a
/// large state makes a new blob and deletes the one the replaced row referenced only after the row write succeeded, so a
/// failed or stale write never damages the stored state. Concurrency is the row's ETag: a stale write or clear throws
/// <see cref="InconsistentStateException"/>.
/// </summary>
internal sealed class AzureTableGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private const string DataProperty = "Data";
    private const string BlobIdProperty = "BlobId";
    private const string SizeProperty = "Size";

    // A concurrent writer may replace the blob between our row read and blob read; re-reading the row then finds the new one.
    private const int ReadAttempts = 3;

    private readonly string _name;
    private readonly AzureTableGrainStorageOptions _options;
    private readonly string _serviceId;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly ILogger _logger;
    private readonly TableServiceClient _tableService;
    private readonly TableClient _table;
    private readonly BlobContainerClient? _container;
    private readonly string _where;

    public AzureTableGrainStorage(
        string name, AzureTableGrainStorageOptions options, string serviceId, IGrainStorageSerializer serializer, IActivatorProvider activators, ILogger logger)
    {
        _name = name;
        _options = options;
        _serviceId = serviceId;
        _serializer = serializer;
        _activators = activators;
        _logger = logger;
        _tableService = options.TableServiceClient ?? throw new OrleansConfigurationException(
            $"Azure table grain storage '{name}': {nameof(AzureTableGrainStorageOptions)}.{nameof(options.TableServiceClient)} is not set");
        _table = _tableService.GetTableClient(options.TableName);
        _container = options.BlobServiceClient?.GetBlobContainerClient(options.ContainerName);
        _where = _container is null
            ? $"table '{options.TableName}' at {StorageEndpoints.Describe(_tableService.Uri)}"
            : $"table '{options.TableName}' at {StorageEndpoints.Describe(_tableService.Uri)} (large states: container '{options.ContainerName}' at {StorageEndpoints.Describe(_container.Uri)})";
    }

    public static AzureTableGrainStorage Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<AzureTableGrainStorageOptions>>().Get(name);
        return new AzureTableGrainStorage(
            name,
            options,
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            options.GrainStorageSerializer ?? services.GetRequiredService<IGrainStorageSerializer>(),
            services.GetRequiredService<IActivatorProvider>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger($"{typeof(AzureTableGrainStorage).FullName}.{name}"));
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(OptionFormattingUtilities.Name<AzureTableGrainStorage>(_name), _options.InitStage, InitializeAsync);

    /// <summary>Creates the table and container when missing; an unreachable service fails the silo start here, not at the first grain call.</summary>
    internal async Task InitializeAsync(CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(_options.StartupTimeout);
        try
        {
            await _tableService.CreateTableIfNotExistsAsync(_options.TableName, timeout.Token);
        }
        catch (Exception e) when (StorageFailures.IsStorageFailure(e) && !cancellation.IsCancellationRequested)
        {
            throw StartupFailure(
                $"could not create or open table '{_options.TableName}' at {StorageEndpoints.Describe(_tableService.Uri)}",
                nameof(AzureTableGrainStorageOptions.TableServiceClient), e);
        }

        if (_container is not null)
        {
            try
            {
                await _container.CreateIfNotExistsAsync(cancellationToken: timeout.Token);
            }
            catch (Exception e) when (StorageFailures.IsStorageFailure(e) && !cancellation.IsCancellationRequested)
            {
                throw StartupFailure(
                    $"could not create or open blob container '{_options.ContainerName}' at {StorageEndpoints.Describe(_container.Uri)}",
                    nameof(AzureTableGrainStorageOptions.BlobServiceClient), e);
            }
        }

        _logger.StorageReady(_name, _options.TableName, StorageEndpoints.Describe(_tableService.Uri),
            _container is null ? "nowhere (no BlobServiceClient: states over 64 KiB fail)" : $"container '{_options.ContainerName}' at {StorageEndpoints.Describe(_container.Uri)}");
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (partitionKey, rowKey) = Keys(stateName, grainId);
        using var timeout = new CancellationTokenSource(_options.OperationTimeout);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var row = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: timeout.Token);
                if (!row.HasValue || row.Value is not { } entity)
                {
                    Reset(grainState, etag: null);
                    return;
                }

                var blobId = entity.GetString(BlobIdProperty);
                var etag = new StateETag(entity.ETag, blobId);
                BinaryData? data;
                if (blobId is null)
                {
                    data = entity.GetBinaryData(DataProperty);
                }
                else
                {
                    var blob = Container(stateName, grainId).GetBlobClient(StorageNames.BlobName(partitionKey, rowKey, blobId));
                    try
                    {
                        data = (await blob.DownloadContentAsync(timeout.Token)).Value.Content;
                    }
                    catch (RequestFailedException e) when (e.Status == 404 && attempt < ReadAttempts)
                    {
                        continue;
                    }
                }

                if (data is null)
                {
                    // A row emptied by a clear with DeleteStateOnClear = false: no state, but the row's ETag guards the next write.
                    Reset(grainState, etag.ToString());
                    return;
                }

                grainState.State = Deserialize<T>(data, stateName, grainId) ?? Create<T>();
                grainState.ETag = etag.ToString();
                grainState.RecordExists = true;
                return;
            }
        }
        catch (Exception e) when (StorageFailures.IsStorageFailure(e))
        {
            throw Failure("reading", stateName, grainId, e);
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (partitionKey, rowKey) = Keys(stateName, grainId);
        var given = StateETag.Parse(grainState.ETag);
        var data = _serializer.Serialize(grainState.State);
        var bytes = data.ToMemory().Length;
        var entity = new TableEntity(partitionKey, rowKey) { [SizeProperty] = (long)bytes };
        string? blobId = null;
        using var timeout = new CancellationTokenSource(_options.OperationTimeout);
        try
        {
            if (bytes <= AzureTableGrainStorageOptions.MaxInlineStateBytes)
            {
                entity[DataProperty] = data.ToArray();
            }
            else
            {
                blobId = StorageNames.NewBlobId();
                var blobName = StorageNames.BlobName(partitionKey, rowKey, blobId);
                await Container(stateName, grainId, bytes).GetBlobClient(blobName).UploadAsync(data, overwrite: false, timeout.Token);
                entity[BlobIdProperty] = blobId;
                _logger.StateStoredAsBlob(_name, stateName, grainId.ToString(), bytes, AzureTableGrainStorageOptions.MaxInlineStateBytes, blobName);
            }

            Response response;
            try
            {
                response = given is { } current
                    ? await _table.UpdateEntityAsync(entity, current.Row, TableUpdateMode.Replace, timeout.Token)
                    : await _table.AddEntityAsync(entity, timeout.Token);
            }
            catch (Exception e) when (blobId is not null)
            {
                // The row still references the previous blob (or none): the one just uploaded belongs to nobody.
                await DeleteUnreferencedBlobAsync(partitionKey, rowKey, blobId, stateName, grainId);
                if (e is RequestFailedException conflict && StorageFailures.IsConcurrencyConflict(conflict))
                {
                    throw await ConflictAsync("writing", stateName, grainId, partitionKey, rowKey, given, conflict);
                }
                throw;
            }
            catch (RequestFailedException e) when (StorageFailures.IsConcurrencyConflict(e))
            {
                throw await ConflictAsync("writing", stateName, grainId, partitionKey, rowKey, given, e);
            }

            grainState.ETag = new StateETag(RowETag(response, "writing", stateName, grainId), blobId).ToString();
            grainState.RecordExists = true;
        }
        catch (Exception e) when (StorageFailures.IsStorageFailure(e))
        {
            throw Failure("writing", stateName, grainId, e);
        }

        if (given?.BlobId is { } replaced && replaced != blobId)
        {
            await DeleteUnreferencedBlobAsync(partitionKey, rowKey, replaced, stateName, grainId);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (partitionKey, rowKey) = Keys(stateName, grainId);
        var given = StateETag.Parse(grainState.ETag);
        string? etagAfter = null;
        using var timeout = new CancellationTokenSource(_options.OperationTimeout);
        try
        {
            if (given is not { } current)
            {
                // The caller believes nothing is stored; a row means someone else wrote one meanwhile.
                var row = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, [BlobIdProperty], timeout.Token);
                if (row.HasValue && row.Value is { } entity)
                {
                    throw Conflict("clearing", stateName, grainId, new StateETag(entity.ETag, entity.GetString(BlobIdProperty)).ToString(), null, null);
                }
            }
            else if (_options.DeleteStateOnClear)
            {
                var response = await _table.DeleteEntityAsync(partitionKey, rowKey, current.Row, timeout.Token);
                if (response.Status == 404)
                {
                    // The SDK reports a missing row as a 404 response, not an exception: the caller's ETag names a row that is gone.
                    throw Conflict("clearing", stateName, grainId, null, grainState.ETag, null);
                }
            }
            else
            {
                var response = await _table.UpdateEntityAsync(new TableEntity(partitionKey, rowKey), current.Row, TableUpdateMode.Replace, timeout.Token);
                etagAfter = new StateETag(RowETag(response, "clearing", stateName, grainId), null).ToString();
            }
        }
        catch (RequestFailedException e) when (StorageFailures.IsConcurrencyConflict(e))
        {
            throw await ConflictAsync("clearing", stateName, grainId, partitionKey, rowKey, given, e);
        }
        catch (Exception e) when (StorageFailures.IsStorageFailure(e))
        {
            throw Failure("clearing", stateName, grainId, e);
        }

        Reset(grainState, etagAfter);
        if (given?.BlobId is { } blobId)
        {
            await DeleteUnreferencedBlobAsync(partitionKey, rowKey, blobId, stateName, grainId);
        }
    }

    private (string PartitionKey, string RowKey) Keys(string stateName, GrainId grainId) =>
        (StorageNames.PartitionKey(_serviceId, grainId), StorageNames.RowKey(stateName));

    private BlobContainerClient Container(string stateName, GrainId grainId, int? bytes = null) =>
        _container ?? throw new AzureTableGrainStorageException(bytes is { } size
            ? $"Azure table grain storage '{_name}': state '{stateName}' of grain {grainId} is {size} bytes, over the {AzureTableGrainStorageOptions.MaxInlineStateBytes} bytes a table row holds, and no {nameof(AzureTableGrainStorageOptions)}.{nameof(AzureTableGrainStorageOptions.BlobServiceClient)} is set to store it as a blob ({_where})"
            : $"Azure table grain storage '{_name}': the row of state '{stateName}' of grain {grainId} references a blob, but no {nameof(AzureTableGrainStorageOptions)}.{nameof(AzureTableGrainStorageOptions.BlobServiceClient)} is set to read it ({_where})");

    private T? Deserialize<T>(BinaryData data, string stateName, GrainId grainId)
    {
        try
        {
            return _serializer.Deserialize<T>(data);
        }
        catch (Exception e) when (!StorageFailures.IsStorageFailure(e))
        {
            throw new AzureTableGrainStorageException(
                $"Azure table grain storage '{_name}': the stored state '{stateName}' of grain {grainId} ({data.ToMemory().Length} bytes, {_where}) could not be read as {typeof(T).FullName}: {e.Message}", e);
        }
    }

    private ETag RowETag(Response response, string action, string stateName, GrainId grainId) =>
        response.Headers.ETag ?? throw new AzureTableGrainStorageException(
            $"Azure table grain storage '{_name}': {action} state '{stateName}' of grain {grainId} succeeded but the service sent no ETag ({_where})");

    private void Reset<T>(IGrainState<T> grainState, string? etag)
    {
        grainState.State = Create<T>();
        grainState.ETag = etag;
        grainState.RecordExists = false;
    }

    private T Create<T>() => _activators.GetActivator<T>().Create();

    private async Task<InconsistentStateException> ConflictAsync(
        string action, string stateName, GrainId grainId, string partitionKey, string rowKey, StateETag? given, RequestFailedException cause)
    {
        string? stored;
        try
        {
            using var timeout = new CancellationTokenSource(_options.OperationTimeout);
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, [BlobIdProperty], timeout.Token);
            stored = row.HasValue && row.Value is { } entity ? new StateETag(entity.ETag, entity.GetString(BlobIdProperty)).ToString() : null;
        }
        catch (Exception e) when (StorageFailures.IsStorageFailure(e))
        {
            _logger.StoredETagUnknown(_name, stateName, grainId.ToString(), e);
            stored = "unknown";
        }
        return Conflict(action, stateName, grainId, stored, given?.ToString(), cause);
    }

    private InconsistentStateException Conflict(string action, string stateName, GrainId grainId, string? stored, string? given, Exception? cause) =>
        new($"Azure table grain storage '{_name}': {action} state '{stateName}' of grain {grainId} was refused: the stored ETag is {stored ?? "(no row)"} " +
            $"but the caller gave {given ?? "(none)"}; another activation or process changed the state ({_where})",
            stored, given, cause);

    private AzureTableGrainStorageException Failure(string action, string stateName, GrainId grainId, Exception cause)
    {
        _logger.OperationFailed(_name, action, stateName, grainId.ToString(), cause);
        return new AzureTableGrainStorageException(
            $"Azure table grain storage '{_name}': {action} state '{stateName}' of grain {grainId} failed in {_where}: " +
            StorageFailures.Reason(cause, _options.OperationTimeout, $"{nameof(AzureTableGrainStorageOptions)}.{nameof(AzureTableGrainStorageOptions.OperationTimeout)}"),
            cause);
    }

    private AzureTableGrainStorageException StartupFailure(string problem, string setting, Exception cause) =>
        new($"Azure table grain storage '{_name}' {problem} (set by {nameof(AzureTableGrainStorageOptions)}.{setting}): " +
            $"{StorageFailures.Reason(cause, _options.StartupTimeout, $"{nameof(AzureTableGrainStorageOptions)}.{nameof(AzureTableGrainStorageOptions.StartupTimeout)}")}. " +
            "Is the storage service (Azurite, or the account) running and reachable there?",
            cause);

    /// <summary>
    /// Deletes a blob no row references any more. The state is already safe (committed, or left as it was), so a failure
    /// here is logged with the blob's name instead of failing the grain's operation.
    /// </summary>
    private async Task DeleteUnreferencedBlobAsync(string partitionKey, string rowKey, string blobId, string stateName, GrainId grainId)
    {
        if (_container is null) return;
        var blobName = StorageNames.BlobName(partitionKey, rowKey, blobId);
        try
        {
            using var timeout = new CancellationTokenSource(_options.OperationTimeout);
            await _container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: timeout.Token);
        }
        catch (Exception e) when (StorageFailures.IsStorageFailure(e))
        {
            _logger.UnreferencedBlobLeft(_name, blobName, stateName, grainId.ToString(), e);
        }
    }
}
