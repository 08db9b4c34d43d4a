using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Dagger.Orleans.Hosting;
using Dagger.Orleans.Tests.Servers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Xunit;

namespace Dagger.Orleans.Tests.Storage;

/// <summary>
/// A real Azurite plus a one-silo in-process cluster with the run-state storages as silos wire them
/// (<see cref="AzureStateStorage.AddDaggerAzureStateStorage"/>: official blob storage "dagger" for runs, official
/// table storage "dagger-checkpoints" for checkpoints), for one test class.
/// </summary>
public sealed class AzureStorageFixture : IAsyncLifetime
{
    public const string ServiceId = "dagger-storage-tests";
    public const string RunStorage = "dagger";
    public const string CheckpointStorage = "dagger-checkpoints";

    public AzuriteFixture Azurite { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public TableServiceClient Tables { get; private set; } = null!;

    public BlobServiceClient Blobs { get; private set; } = null!;

    public IServiceProvider Services => Cluster.GetSiloServiceProvider();

    public IGrainStorage Storage(string name) => Services.GetRequiredKeyedService<IGrainStorage>(name);

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Tables = new TableServiceClient(Azurite.ConnectionString);
        Blobs = new BlobServiceClient(Azurite.ConnectionString);
        Cluster = await DeployAsync(Azurite.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    /// <summary>A one-silo cluster with the run-state storages on the given storage account, under <paramref name="serviceId"/>.</summary>
    public static async Task<InProcessTestCluster> DeployAsync(string connectionString, string serviceId = ServiceId)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.ConfigureSilo((_, silo) => silo.AddDaggerAzureStateStorage(connectionString));
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
}
