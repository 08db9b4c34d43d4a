using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Cluster;
using Dagger.Orleans.Wire;
using Orleans.TestingHost;
using Xunit;

namespace Dagger.Orleans.Tests.Results;

/// <summary>A 2-silo cluster without Azure storage, with small chunks (4 KiB) and a 1 KiB inline limit, so results of a few hundred KB take many chunks.</summary>
public sealed class SmallChunkCluster : IAsyncLifetime
{
    public const int ChunkBytes = 4096;
    public const int InlineBytes = 1024;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public DaggerClient Dagger { get; private set; } = null!;

    /// <summary>Short, so a test can see memory results go with their run (other tests read results at once).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromSeconds(2);

    public async Task InitializeAsync() => (Cluster, Dagger) = await TwoSiloCluster.DeployAsync(o =>
        (o.ResultChunkBytes, o.InlineResultBytes, o.ResultRetention) = (ChunkBytes, InlineBytes, Retention));

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>Issue 17: a big sink result is written to the memory result store in chunks as it comes, and read back exactly, chunk by chunk.</summary>
public sealed class MemoryResultStoreTests(SmallChunkCluster cluster) : IClassFixture<SmallChunkCluster>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private async Task<(DagRun Run, DagStatus Status)> RunAsync(DagBuilder spec, long resultTextLimit)
    {
        var run = await cluster.Dagger.SubmitAsync(spec.Build());
        run.ResultTextLimit = resultTextLimit;
        using var cts = new CancellationTokenSource(Timeout);
        return (run, await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token));
    }

    private static async Task<string> ReadAllAsync(DagRun run, ResultDescriptor result)
    {
        using var bytes = new MemoryStream();
        await run.CopyResultToAsync(result, bytes);
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    [Fact]
    public async Task A_collect_bigger_than_a_chunk_is_stored_in_many_chunks_and_read_back_exactly()
    {
        var (run, status) = await RunAsync(new DagBuilder().Node("src", "range", new { count = 100_000 }).Node("out", "collect").Edge("src", "out"), resultTextLimit: 0);

        Assert.True(status.State == DagState.Completed, status.Error);
        Assert.False(status.Results.ContainsKey("out"));
        var stored = status.StoredResults["out"];
        var expected = ExpectedJson.RangeArray(100_000);
        Assert.Equal(ResultStores.Memory, stored.Store);
        Assert.Equal(expected.Length, stored.Bytes);
        Assert.True(stored.Chunks > expected.Length / SmallChunkCluster.ChunkBytes, $"{stored.Chunks} chunks");
        var chunks = new List<int>();
        await foreach (var chunk in run.ReadResultAsync(stored)) chunks.Add(chunk.Length);
        Assert.All(chunks, c => Assert.True(c <= SmallChunkCluster.ChunkBytes, $"a chunk of {c} bytes"));
        Assert.Equal(expected, await ReadAllAsync(run, stored));
    }

    [Fact]
    public async Task A_result_under_the_inline_limit_travels_in_the_status_and_nothing_is_stored()
    {
        var (_, status) = await RunAsync(new DagBuilder().Node("src", "range", new { count = 100 }).Node("out", "collect").Node("n", "count")
            .Edge("src", "out").Edge("src", "n"), resultTextLimit: 0);

        Assert.True(status.State == DagState.Completed, status.Error);
        Assert.Equal(ExpectedJson.RangeArray(100), status.Results["out"]);
        Assert.Equal("100", status.Results["n"]);
        Assert.Empty(status.StoredResults);
    }

    [Fact]
    public async Task By_default_a_client_reads_a_stored_result_into_the_status_results_as_before()
    {
        var (_, status) = await RunAsync(new DagBuilder().Node("src", "range", new { count = 20_000 }).Node("out", "collect").Edge("src", "out"), DagRun.DefaultResultTextLimit);

        Assert.True(status.State == DagState.Completed, status.Error);
        Assert.True(status.StoredResults.ContainsKey("out"));
        Assert.Equal(ExpectedJson.RangeArray(20_000), status.Results["out"]);
    }

    [Fact]
    public async Task A_sink_that_writes_its_result_at_the_end_stores_it_in_chunks_too()
    {
        // A sum of 2000-float vectors is one 2000-number array, written whole once the input ends: a few chunks.
        var (run, status) = await RunAsync(new DagBuilder().Node("src", "range", new { count = 3, type = "vector", width = 2000 }).Node("total", "sum").Edge("src", "total"), resultTextLimit: 0);

        Assert.True(status.State == DagState.Completed, status.Error);
        var stored = status.StoredResults["total"];
        Assert.True(stored.Chunks > 1, $"{stored.Chunks} chunks");
        var sums = System.Text.Json.JsonSerializer.Deserialize<double[]>(await ReadAllAsync(run, stored))!;
        Assert.Equal(2000, sums.Length);
    }

    [Fact]
    public async Task A_memory_result_is_gone_once_its_run_is_let_go_after_the_retention()
    {
        var (run, status) = await RunAsync(new DagBuilder().Node("src", "range", new { count = 20_000 }).Node("out", "collect").Edge("src", "out"), resultTextLimit: 0);
        var stored = status.StoredResults["out"];
        Assert.Equal(ExpectedJson.RangeArray(20_000), await ReadAllAsync(run, stored));

        await Task.Delay(SmallChunkCluster.Retention + TimeSpan.FromSeconds(1));
        await cluster.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.FromMilliseconds(1));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ReadAllAsync(run, stored));
        Assert.Contains("chunk 0 of its result is no longer in memory", error.Message);
    }

    [Fact]
    public async Task A_collect_that_fails_at_the_cap_removes_the_chunks_it_had_stored()
    {
        await using var dagger = await DaggerClient.StartEmbeddedAsync(o =>
            (o.MaxResultBytes, o.ResultChunkBytes, o.InlineResultBytes) = (100_000, SmallChunkCluster.ChunkBytes, SmallChunkCluster.InlineBytes));
        var run = await dagger.SubmitAsync(new DagBuilder().Node("src", "range", new { count = 1_000_000 }).Node("out", "collect").Edge("src", "out").Build());
        using var cts = new CancellationTokenSource(Timeout);
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);
        Assert.Equal(DagState.Failed, status.State);
        Assert.Contains("node 'out': its result grew past the cap of 100000 bytes", status.Error);

        // What it had stored (about 100000 / 4096 chunks) would be there, unnamed, for the retention.
        var orphan = new ResultDescriptor { DagId = run.Id, NodeId = "out", Bytes = SmallChunkCluster.ChunkBytes, Chunks = 1, Store = ResultStores.Memory };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ReadAllAsync(run, orphan));
        Assert.Contains("chunk 0 of its result is no longer in memory", error.Message);
    }

    [Fact]
    public async Task A_streaming_collect_that_moves_to_the_other_silo_mid_stream_keeps_every_element_once_in_order()
    {
        var run = await cluster.Dagger.SubmitAsync(new DagBuilder().Defaults(batch: 256)
            .Node("src", "range").Node("out", "collect").Edge("src", "out").Build());
        run.ResultTextLimit = 0;
        await using var cleanup = run.CancelOnExit();
        await run.WaitUntilAsync(s => s.Nodes.Single(n => n.NodeId == "out").Received > 30_000);
        var moved = await run.MigrateAsync("out");
        await run.WaitUntilAsync(s => s.Nodes.Single(n => n.NodeId == "out").Silo == moved);
        var before = (await run.GetStatusAsync()).Nodes.Single(n => n.NodeId == "out").Received;
        await run.WaitUntilAsync(s => s.Nodes.Single(n => n.NodeId == "out").Received > before + 30_000);

        await run.CancelAsync(CancelMode.Graceful);
        using var cts = new CancellationTokenSource(Timeout);
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);

        var received = status.Nodes.Single(n => n.NodeId == "out").Received;
        var stored = status.StoredResults["out"];
        Assert.Equal(ExpectedJson.RangeArray(received), await ReadAllAsync(run, stored));
    }
}
