using Azure.Storage.Blobs;
using Dagger.Orleans.Client;
using Dagger.Orleans.Hosting;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Servers;
using Dagger.Orleans.Wire;
using Orleans.TestingHost;
using Xunit;

namespace Dagger.Orleans.Tests.Results;

/// <summary>A real Azurite and a one-silo cluster keeping runs there (AddDaggerAzureStateStorage), with 4 KiB result chunks; <see cref="RestartAsync"/> starts it again on the same storage.</summary>
public sealed class AzureResultCluster : IAsyncLifetime
{
    private readonly string _serviceId = "results-" + Guid.NewGuid().ToString("N")[..8];

    public AzuriteFixture Azurite { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public DaggerClient Dagger { get; private set; } = null!;

    public BlobServiceClient Blobs { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Blobs = new BlobServiceClient(Azurite.ConnectionString);
        await StartAsync();
    }

    public async Task RestartAsync()
    {
        foreach (var silo in Cluster.Silos.ToList()) await Cluster.KillSiloAsync(silo);
        await Cluster.DisposeAsync();
        await StartAsync();
    }

    private async Task StartAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = _serviceId;
        var connectionString = Azurite.ConnectionString;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddDaggerAzureStateStorage(connectionString);
            silo.AddDagger(o =>
            {
                o.StateStorage = "dagger";
                o.CheckpointStorage = "dagger-checkpoints";
                o.BalancePeriod = TimeSpan.Zero;
                (o.ResultChunkBytes, o.InlineResultBytes) = (SmallChunkCluster.ChunkBytes, SmallChunkCluster.InlineBytes);
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Dagger = DaggerClient.ForGrainFactory(Cluster.Client, OperatorCatalog.FromLoadedAssemblies(), [Transports.Memory]);
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

/// <summary>Issue 17: with Azure state storage, big results go to blobs in chunks; the run's record names them and never holds them.</summary>
public sealed class BlobResultStoreTests(AzureResultCluster cluster) : IClassFixture<AzureResultCluster>
{
    private const long Count = 50_000;

    private async Task<(DagRun Run, DagStatus Status)> RunCollectAsync()
    {
        var run = await cluster.Dagger.SubmitAsync(new DagBuilder().Node("src", "range", new { count = Count }).Node("out", "collect").Edge("src", "out").Build());
        run.ResultTextLimit = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);
        Assert.True(status.State == DagState.Completed, status.Error);
        return (run, status);
    }

    private static async Task<string> ReadAllAsync(DagRun run, ResultDescriptor result)
    {
        using var bytes = new MemoryStream();
        await run.CopyResultToAsync(result, bytes);
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    [Fact]
    public async Task A_big_collect_is_stored_as_one_blob_per_chunk_and_read_back_exactly()
    {
        var (run, status) = await RunCollectAsync();

        var stored = status.StoredResults["out"];
        Assert.Equal(ResultStores.Blob, stored.Store);
        var blobs = new List<string>();
        await foreach (var blob in cluster.Blobs.GetBlobContainerClient("dagger-results").GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{run.Id}/out/", CancellationToken.None)) blobs.Add(blob.Name);
        Assert.True(stored.Chunks > 10, $"{stored.Chunks} chunks");
        Assert.Equal(Enumerable.Range(0, stored.Chunks).Select(i => $"{run.Id}/out/{i:D6}"), blobs.Order(StringComparer.Ordinal));
        Assert.Equal(ExpectedJson.RangeArray(Count), await ReadAllAsync(run, stored));
    }

    [Fact]
    public async Task The_run_record_as_stored_names_the_result_and_does_not_hold_it()
    {
        var (run, status) = await RunCollectAsync();

        var records = cluster.Blobs.GetBlobContainerClient("dagger-runs");
        var names = new List<string>();
        await foreach (var blob in records.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, null, CancellationToken.None)) if (blob.Name.Contains(run.Id, StringComparison.Ordinal)) names.Add(blob.Name);
        var name = Assert.Single(names);
        var record = (await records.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
        var text = System.Text.Encoding.UTF8.GetString(record);
        Assert.DoesNotContain("12345,12346,12347", text, StringComparison.Ordinal);
        Assert.True(record.Length < ExpectedJson.RangeArray(Count).Length / 4, $"the record has {record.Length} bytes");
        Assert.Equal(ResultStores.Blob, status.StoredResults["out"].Store);
    }

    [Fact]
    public async Task A_stored_result_is_read_back_after_a_full_cluster_restart()
    {
        var (run, _) = await RunCollectAsync();

        await cluster.RestartAsync();

        var after = cluster.Dagger.Attach(run.Id);
        after.ResultTextLimit = 0;
        var status = await after.GetStatusAsync();
        Assert.Equal(DagState.Completed, status.State);
        Assert.Equal(ExpectedJson.RangeArray(Count), await ReadAllAsync(after, status.StoredResults["out"]));
    }
}
