using System.Text;
using Azure.Data.Tables;
using Dagger.Orleans.Runtime.Durability;
using Dagger.Orleans.Tests.Servers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Xunit;

namespace Dagger.Orleans.Tests.Storage;

/// <summary>
/// Run state written by the previous version (our own table storage, format 1) is refused by name, never silently
/// dropped: the rows below are laid out exactly as that provider wrote them (table DaggerGrainState, partition key
/// "{serviceId}|{grainId}" with '/' escaped as ~2F, row key the state name, Data = the silo's JSON grain-storage
/// serializer's rendering of StoredBytes, whose Data is the Orleans-serialized value, and Size).
/// </summary>
public sealed class PreviousVersionStateTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public Task DisposeAsync() => _azurite.DisposeAsync();

    [Fact]
    public async Task A_silo_on_storage_holding_runs_of_the_previous_version_refuses_to_start_naming_the_table_the_runs_and_what_to_do()
    {
        const string serviceId = "upgraded";
        var table = new TableServiceClient(_azurite.ConnectionString).GetTableClient("DaggerGrainState");
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(OldRow(serviceId, "dag/nightly-1", "run"));
        await table.AddEntityAsync(OldRow(serviceId, "noderun/nightly-1/src", "checkpoint"));
        await table.AddEntityAsync(OldRow(serviceId, "runregistry/runs", "list"));
        // Another service's run in the same table is that service's business, not this one's.
        await table.AddEntityAsync(OldRow("other", "dag/theirs", "run"));

        var start = await Assert.ThrowsAnyAsync<Exception>(() => AzureStorageFixture.DeployAsync(_azurite.ConnectionString, serviceId));

        var refusal = Find<PreviousVersionStateException>(start) ?? throw new Xunit.Sdk.XunitException("the start failed, but not for the previous version's runs: " + start);
        Assert.Contains($"table 'DaggerGrainState' at http://127.0.0.1:{_azurite.TablePort}/{AzuriteFixture.AccountName}", refusal.Message, StringComparison.Ordinal);
        Assert.Contains($"1 run record(s) of service '{serviceId}'", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("dag/nightly-1", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("theirs", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("previous Dagger version", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("delete table 'DaggerGrainState'", refusal.Message, StringComparison.Ordinal);
        // Nothing was touched: the old rows are all still there for the previous version to finish.
        Assert.Equal(4, await CountAsync(table));
    }

    [Fact]
    public async Task A_silo_whose_service_has_no_runs_of_the_previous_version_starts_beside_that_table()
    {
        var table = new TableServiceClient(_azurite.ConnectionString).GetTableClient("DaggerGrainState");
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(OldRow("other", "dag/theirs", "run"));

        await using var cluster = await AzureStorageFixture.DeployAsync(_azurite.ConnectionString, "fresh");

        Assert.Single(cluster.Silos);
    }

    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static TableEntity OldRow(string serviceId, string grainId, string stateName)
    {
        var payload = Convert.ToBase64String(Serializer.SerializeToArray(new[] { "a value of the previous version" }));
        var json = $"{{\"$id\":\"1\",\"$type\":\"Dagger.Orleans.Runtime.Durability.StoredBytes, Dagger.Orleans.Grains\",\"Data\":\"{payload}\"}}";
        var data = Encoding.UTF8.GetBytes(json);
        return new TableEntity($"{serviceId}|{grainId.Replace("/", "~2F", StringComparison.Ordinal)}", stateName)
        {
            ["Data"] = data,
            ["Size"] = (long)data.Length,
        };
    }

    private static async Task<int> CountAsync(TableClient table)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>()) count++;
        return count;
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found) return found;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (Find<T>(inner) is { } nested) return nested;
                }
            }
        }
        return null;
    }
}
