using System.Text;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Orleans;
using Orleans.Storage;

namespace Dagger.Orleans.Persistence.AzureStorage;

/// <summary>
/// Settings of one Azure Table grain storage provider (named options: one set per <c>AddAzureTableGrainStorage(name, ...)</c>).
/// The provider takes the SDK's own clients, so Azurite, a test account and production differ only in the clients.
/// <see cref="ToString"/> shows endpoints only: never an account key or a SAS token.
/// </summary>
public sealed class AzureTableGrainStorageOptions : IStorageProviderSerializerOptions
{
    public const string DefaultTableName = "DaggerGrainState";
    public const string DefaultContainerName = "dagger-grain-state";

    /// <summary>Largest serialized state kept in the table row; Azure Tables holds at most 64 KiB in one binary property.</summary>
    public const int MaxInlineStateBytes = 64 * 1024;

    /// <summary>The table service holding one row per grain state (required).</summary>
    public TableServiceClient? TableServiceClient { get; set; }

    /// <summary>
    /// The blob service holding states over <see cref="MaxInlineStateBytes"/> (the row then references the blob).
    /// Without it, writing such a state fails with an error that names this setting.
    /// </summary>
    public BlobServiceClient? BlobServiceClient { get; set; }

    /// <summary>The table, created at silo start when missing. Azure table names: 3-63 letters and digits, starting with a letter.</summary>
    public string TableName { get; set; } = DefaultTableName;

    /// <summary>The blob container for large states, created at silo start when missing (with <see cref="BlobServiceClient"/>).</summary>
    public string ContainerName { get; set; } = DefaultContainerName;

    /// <summary>True (the default): clearing a state deletes its row. False: the row stays, emptied, and keeps its ETag history.</summary>
    public bool DeleteStateOnClear { get; set; } = true;

    /// <summary>
    /// The most one storage operation (a read, write or clear, with the client's own retries inside) may take before it
    /// fails with an error naming the grain, the table and the endpoint. Keep it below the grain call timeout (30 s).
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The most creating or checking the table and container at silo start may take before the start fails.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The silo lifecycle stage that creates the table and container; grains can use the storage from the next stage on.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <summary>How states become bytes; null takes the silo's <see cref="IGrainStorageSerializer"/> (Orleans' JSON one unless replaced).</summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    /// <summary>
    /// Sets <see cref="TableServiceClient"/> and <see cref="BlobServiceClient"/> from a storage connection string (for Azurite:
    /// <c>UseDevelopmentStorage=true</c>, or one with explicit endpoints), with bounded retries: a storage service that is down
    /// surfaces within seconds, not minutes. The connection string is not kept.
    /// </summary>
    public AzureTableGrainStorageOptions UseConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var tableOptions = new TableClientOptions();
        ApplyBoundedRetries(tableOptions.Retry);
        var blobOptions = new BlobClientOptions();
        ApplyBoundedRetries(blobOptions.Retry);
        TableServiceClient = new TableServiceClient(connectionString, tableOptions);
        BlobServiceClient = new BlobServiceClient(connectionString, blobOptions);
        return this;
    }

    /// <summary>
    /// Retries that give up in about 5 s when the service refuses connections (0.4 + 0.8 + 1.6 + 2 s of back-off), and a
    /// network timeout that stops a hung request long before <see cref="OperationTimeout"/>.
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

    public override string ToString()
    {
        var text = new StringBuilder("AzureTableGrainStorageOptions { ");
        text.Append("TableServiceClient = ").Append(StorageEndpoints.Describe(TableServiceClient?.Uri))
            .Append(", BlobServiceClient = ").Append(StorageEndpoints.Describe(BlobServiceClient?.Uri))
            .Append(", TableName = ").Append(TableName)
            .Append(", ContainerName = ").Append(ContainerName)
            .Append(", DeleteStateOnClear = ").Append(DeleteStateOnClear)
            .Append(", OperationTimeout = ").Append(OperationTimeout)
            .Append(", StartupTimeout = ").Append(StartupTimeout)
            .Append(", InitStage = ").Append(InitStage)
            .Append(", GrainStorageSerializer = ").Append(GrainStorageSerializer?.GetType().Name ?? "(silo default)")
            .Append(" }");
        return text.ToString();
    }
}
