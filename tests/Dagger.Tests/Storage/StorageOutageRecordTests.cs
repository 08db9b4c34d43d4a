using Dagger.Orleans.Runtime.Durability;
using Dagger.Orleans.Tests.Servers;
using Orleans.Runtime;
using Xunit;

namespace Dagger.Orleans.Tests.Storage;

/// <summary>
/// Azurite killed under a durable record, then restarted: the failure names the record, the storage and its endpoint
/// (never the account key) after retries; once the service is back the same silo writes and reads the record again. Its own
/// Azurite: the kill must not touch the other storage tests.
/// </summary>
public sealed class StorageOutageRecordTests(AzureStorageFixture fixture) : IClassFixture<AzureStorageFixture>
{
    [Theory]
    [InlineData(AzureStorageFixture.RunStorage, "blob container 'dagger-runs'")]
    [InlineData(AzureStorageFixture.CheckpointStorage, "table 'DaggerCheckpoints'")]
    public async Task A_storage_that_is_down_fails_naming_record_storage_and_endpoint_and_after_a_restart_it_is_written_again(string storage, string where)
    {
        var grain = GrainId.Create("test", Guid.NewGuid().ToString("N"));
        await DurableRecord<string[]>.In(fixture.Services, storage, "run", grain).SaveAsync(["before the outage"]);

        await fixture.Azurite.KillAsync();
        DurableStateException failure;
        try
        {
            failure = await Assert.ThrowsAsync<DurableStateException>(() => DurableRecord<string[]>.In(fixture.Services, storage, "run", grain).SaveAsync(["during"]));
        }
        finally
        {
            await fixture.Azurite.RestartAsync();
        }

        Assert.Contains($"'run' of {grain} in grain storage '{storage}'", failure.Message, StringComparison.Ordinal);
        Assert.Contains(where, failure.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, failure.Message, StringComparison.Ordinal);
        // Azurite saves its data every few seconds, so a SIGKILL may lose the last write — the checkpoint table itself,
        // when the kill came soon after the fixture made it (the official provider makes it once, at start: seen failing
        // 2 of 2 in a full run). Real Azure storage keeps its tables: what is asserted after the restart is that the same
        // silo's storage works again once the service is back with its table and container.
        await new Azure.Data.Tables.TableServiceClient(fixture.Azurite.ConnectionString).CreateTableIfNotExistsAsync("DaggerCheckpoints");
        await new Azure.Storage.Blobs.BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient("dagger-runs").CreateIfNotExistsAsync();
        await DurableRecord<string[]>.In(fixture.Services, storage, "run", grain).SaveAsync(["after the restart"]);
        Assert.Equal(["after the restart"], (await DurableRecord<string[]>.In(fixture.Services, storage, "run", grain).ReadAsync())!);
    }
}
