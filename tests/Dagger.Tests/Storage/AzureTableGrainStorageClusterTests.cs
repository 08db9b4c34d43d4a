using System.Diagnostics;
using Azure.Core;
using Azure.Data.Tables;
using Dagger.Orleans.Persistence.AzureStorage;
using Dagger.Orleans.Persistence.AzureStorage.Hosting;
using Dagger.Orleans.Tests.Servers;
using Orleans.TestingHost;
using Xunit;
using Xunit.Abstractions;

namespace Dagger.Orleans.Tests.Storage;

/// <summary>The provider inside real in-process silos: state across a full cluster restart, and what the storage service being down looks like.</summary>
public sealed class AzureTableGrainStorageClusterTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Grain_state_written_before_a_full_cluster_restart_is_read_back_after_it()
    {
        var key = Guid.NewGuid().ToString("N");
        await using (var before = await AzureStorageFixture.DeployAsync(azurite.ConnectionString))
        {
            await before.Client.GetGrain<IStorageTestGrain>(key + "-small").SetAsync("small", 1, 1000);
            await before.Client.GetGrain<IStorageTestGrain>(key + "-large").SetAsync("large", 2, 300 * 1024);
        }

        await using var after = await AzureStorageFixture.DeployAsync(azurite.ConnectionString);

        var small = await after.Client.GetGrain<IStorageTestGrain>(key + "-small").GetAsync();
        var large = await after.Client.GetGrain<IStorageTestGrain>(key + "-large").GetAsync();
        Assert.True(small.IsIntact("small", 1, 1000));
        Assert.True(large.IsIntact("large", 2, 300 * 1024));
    }

    [Fact]
    public async Task A_storage_service_that_is_not_there_fails_the_silo_start_naming_the_endpoint_and_the_setting()
    {
        var deadPort = ServerProcess.FreeLoopbackPort();
        var tables = new TableServiceClient(
            new Uri($"http://127.0.0.1:{deadPort}/{AzuriteFixture.AccountName}"),
            new TableSharedKeyCredential(AzuriteFixture.AccountName, AzuriteFixture.AccountKey),
            FastRetries());
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddAzureTableGrainStorage(StorageTestGrain.ProviderName, o => o.TableServiceClient = tables));
        await using var cluster = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => cluster.DeployAsync().WaitAsync(Bounded));

        var messages = AllMessages(error);
        Assert.Contains($"127.0.0.1:{deadPort}", messages);
        Assert.Contains("AzureTableGrainStorageOptions.TableServiceClient", messages);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, messages);
    }

    [Fact]
    public async Task A_killed_storage_service_fails_a_grain_write_with_a_clear_error_within_seconds_and_it_works_again_after_a_restart()
    {
        await using var cluster = await AzureStorageFixture.DeployAsync(azurite.ConnectionString);
        var grain = cluster.Client.GetGrain<IStorageTestGrain>(Guid.NewGuid().ToString("N"));
        await grain.SetAsync("before", 1, 1000);

        await azurite.KillAsync();
        AzureTableGrainStorageException error;
        TimeSpan failedAfter;
        var clock = Stopwatch.StartNew();
        try
        {
            error = await Assert.ThrowsAsync<AzureTableGrainStorageException>(() => grain.SetAsync("while down", 2, 1000).WaitAsync(Bounded));
            failedAfter = clock.Elapsed;
        }
        finally
        {
            await azurite.RestartAsync();
        }

        output.WriteLine($"the write failed {failedAfter.TotalSeconds:0.0} s after Azurite was killed: {error.Message}");
        Assert.True(failedAfter < TimeSpan.FromSeconds(20), $"the failure took {failedAfter.TotalSeconds:0.0} s");
        Assert.Contains(grain.GetGrainId().ToString(), error.Message);
        Assert.Contains($"table '{AzureTableGrainStorageOptions.DefaultTableName}'", error.Message);
        Assert.Contains($"127.0.0.1:{azurite.TablePort}", error.Message);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, error.ToString());

        // Azurite saves its database only every 5 s, so the kill may have lost the table this cluster created moments ago
        // (the provider reports that as a missing table). Making sure it exists keeps this check about the running
        // provider reconnecting, not about Azurite's durability.
        await new TableServiceClient(azurite.ConnectionString).CreateTableIfNotExistsAsync(AzureTableGrainStorageOptions.DefaultTableName);
        var after = cluster.Client.GetGrain<IStorageTestGrain>(Guid.NewGuid().ToString("N"));
        await after.SetAsync("after", 3, 1000);
        Assert.True((await after.GetAsync()).IsIntact("after", 3, 1000));
    }

    private static TableClientOptions FastRetries()
    {
        var options = new TableClientOptions();
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        return options;
    }

    private static string AllMessages(Exception error)
    {
        var text = new System.Text.StringBuilder();
        for (Exception? e = error; e is not null; e = e.InnerException) text.AppendLine(e.Message);
        return text.ToString();
    }
}
