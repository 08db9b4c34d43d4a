using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Dagger.Orleans.Persistence.AzureStorage;
using Dagger.Orleans.Persistence.AzureStorage.Hosting;
using Dagger.Orleans.Tests.Servers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Orleans.TestingHost;
using Xunit;

namespace Dagger.Orleans.Tests.Storage;

/// <summary>
/// A real Azurite plus a one-silo in-process cluster whose grain storage "azure" lives in it, for one test class. The
/// silo's storage (and its JSON serializer) is what the contract tests call, so they test the provider as silos wire it.
/// </summary>
public sealed class AzureStorageFixture : IAsyncLifetime
{
    public const string ServiceId = "dagger-storage-tests";

    public AzuriteFixture Azurite { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The silo's "azure" grain storage.</summary>
    public IGrainStorage Storage { get; private set; } = null!;

    public TableServiceClient Tables { get; private set; } = null!;

    public BlobServiceClient Blobs { get; private set; } = null!;

    public TableClient StateTable => Tables.GetTableClient(AzureTableGrainStorageOptions.DefaultTableName);

    public BlobContainerClient StateContainer => Blobs.GetBlobContainerClient(AzureTableGrainStorageOptions.DefaultContainerName);

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Tables = new TableServiceClient(Azurite.ConnectionString);
        Blobs = new BlobServiceClient(Azurite.ConnectionString);
        Cluster = await DeployAsync(Azurite.ConnectionString);
        Storage = Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageTestGrain.ProviderName);
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    /// <summary>A one-silo cluster with grain storage "azure" on the given storage account, under <see cref="ServiceId"/>.</summary>
    public static async Task<InProcessTestCluster> DeployAsync(string connectionString, Action<AzureTableGrainStorageOptions>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = ServiceId;
        builder.ConfigureSilo((_, silo) => silo.AddAzureTableGrainStorage(StorageTestGrain.ProviderName, o =>
        {
            o.UseConnectionString(connectionString);
            configure?.Invoke(o);
        }));
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A second provider instance beside the silo's, with its own options and service id but the silo's serializer,
    /// for the tests that need a setting the silo's provider does not have.
    /// </summary>
    internal AzureTableGrainStorage CreateStorage(Action<AzureTableGrainStorageOptions>? configure = null, string serviceId = ServiceId)
    {
        var services = Cluster.GetSiloServiceProvider();
        var options = new AzureTableGrainStorageOptions().UseConnectionString(Azurite.ConnectionString);
        configure?.Invoke(options);
        return new AzureTableGrainStorage(
            "azure-test", options, serviceId, services.GetRequiredService<IGrainStorageSerializer>(), services.GetRequiredService<IActivatorProvider>(), NullLogger.Instance);
    }
}
