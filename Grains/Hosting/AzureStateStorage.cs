using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Dagger.Orleans.Runtime.Durability;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Dagger.Orleans.Hosting;

/// <summary>Where <see cref="AzureStateStorage.AddDaggerAzureStateStorage"/> keeps runs and checkpoints; the defaults suit one service per account.</summary>
public sealed class AzureStateStorageOptions
{
    /// <summary>The grain storage for runs and the run registry (<c>DaggerOptions.StateStorage</c>): official Azure blob storage, no size cap.</summary>
    public string RunStorageName { get; set; } = "dagger";

    /// <summary>The grain storage for durable nodes' checkpoints (<c>DaggerOptions.CheckpointStorage</c>): official Azure table storage, small and frequent writes (a row holds about 960 KiB).</summary>
    public string CheckpointStorageName { get; set; } = "dagger-checkpoints";

    /// <summary>The blob container of run records, created at silo start.</summary>
    public string ContainerName { get; set; } = "dagger-runs";

    /// <summary>The blob container of big sink results (blobs <c>{dagId}/{nodeId}/{chunk:D6}</c>), created at first use.</summary>
    public string ResultsContainerName { get; set; } = "dagger-results";

    /// <summary>The table of checkpoints, created at silo start.</summary>
    public string TableName { get; set; } = "DaggerCheckpoints";

    /// <summary>
    /// The table where the previous Dagger version (its own table storage) kept runs; checked at silo start, and a
    /// start that finds runs there fails naming it (<see cref="PreviousVersionState"/>). Null: no check.
    /// </summary>
    public string? PreviousVersionTableName { get; set; } = PreviousVersionState.DefaultTableName;
}

/// <summary>
/// Run state in Azure Storage with Orleans' own providers (Microsoft.Orleans.Persistence.AzureStorage): runs as blobs,
/// checkpoints as table rows, both written by Orleans' binary serializer — our types keep their version-tolerant
/// <c>[Id]</c> layout and are serialized once (the JSON default would need every record type to be JSON-friendly).
/// </summary>
public static class AzureStateStorage
{
    /// <summary>
    /// Registers the two grain storages, and the blob store of big sink results, at the account <paramref name="connectionString"/> names (Azurite:
    /// <c>UseDevelopmentStorage=true</c>), with bounded client retries so a storage that is down surfaces in seconds.
    /// Set <c>DaggerOptions.StateStorage</c> and <c>CheckpointStorage</c> to the names in <paramref name="configure"/>'s options.
    /// </summary>
    public static ISiloBuilder AddDaggerAzureStateStorage(this ISiloBuilder silo, string connectionString, Action<AzureStateStorageOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new AzureStateStorageOptions();
        configure?.Invoke(options);
        var tableOptions = new TableClientOptions();
        ApplyBoundedRetries(tableOptions.Retry);
        var blobOptions = new BlobClientOptions();
        ApplyBoundedRetries(blobOptions.Retry);
        var tables = new TableServiceClient(connectionString, tableOptions);
        var blobs = new BlobServiceClient(connectionString, blobOptions);

        silo.AddAzureBlobGrainStorage(options.RunStorageName, ob => ob.Configure<Serializer>((o, serializer) =>
        {
            o.BlobServiceClient = blobs;
            o.ContainerName = options.ContainerName;
            o.DeleteStateOnClear = true;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.AddAzureTableGrainStorage(options.CheckpointStorageName, ob => ob.Configure<Serializer>((o, serializer) =>
        {
            o.TableServiceClient = tables;
            o.TableName = options.TableName;
            o.DeleteStateOnClear = true;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        // Big sink results go to blobs beside the runs: a result outlives the silos as its run's record does.
        silo.Services.AddSingleton<Runtime.Results.IResultStore>(new Runtime.Results.BlobResultStore(
            blobs.GetBlobContainerClient(options.ResultsContainerName),
            $"Azure blob container '{options.ResultsContainerName}' at {StorageEndpoints.Describe(blobs.Uri)}"));
        silo.Services.AddKeyedSingleton(options.RunStorageName,
            new DurableStorageDescription($"Azure blob container '{options.ContainerName}' at {StorageEndpoints.Describe(blobs.Uri)}"));
        silo.Services.AddKeyedSingleton(options.CheckpointStorageName,
            new DurableStorageDescription($"Azure table '{options.TableName}' at {StorageEndpoints.Describe(tables.Uri)}"));
        if (options.PreviousVersionTableName is { } previous)
        {
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new PreviousVersionState(
                tables, previous, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value.ServiceId, options));
        }
        return silo;
    }

    /// <summary>
    /// Retries that give up in about 5 s when the service refuses connections (0.4 + 0.8 + 1.6 + 2 s of back-off), and a
    /// network timeout that stops a hung request well inside the grain call timeout.
    /// </summary>
    public static void ApplyBoundedRetries(RetryOptions retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = 4;
        retry.Delay = TimeSpan.FromMilliseconds(400);
        retry.MaxDelay = TimeSpan.FromSeconds(2);
        retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }
}

/// <summary>How a storage endpoint appears in messages and logs: scheme, host, port and path; never a SAS token (the query) or user info.</summary>
internal static class StorageEndpoints
{
    public static string Describe(Uri? endpoint) =>
        endpoint is null ? "(not set)" : endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped);
}
