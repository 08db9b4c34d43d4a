using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Embedded;

/// <summary>Issue 18 item 4: every sink's result has a cap (DaggerOptions.MaxResultBytes); past it the run fails naming node and cap.</summary>
public sealed class ResultCapTests
{
    private static async Task<DagStatus> RunAsync(long cap, DagSpec spec)
    {
        await using var dagger = await DaggerClient.StartEmbeddedAsync(o => o.MaxResultBytes = cap);
        var run = await dagger.SubmitAsync(spec);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await run.WaitAsync(cancellation: cts.Token);
    }

    [Fact]
    public async Task A_collect_that_grows_past_the_cap_fails_the_run_naming_the_node_and_the_cap()
    {
        var status = await RunAsync(100_000, new DagBuilder()
            .Node("src", "range", new { count = 1_000_000 }).Node("out", "collect").Edge("src", "out").Build());

        Assert.Equal(DagState.Failed, status.State);
        Assert.Contains("node 'out': its result grew past the cap of 100000 bytes (DaggerOptions.MaxResultBytes", status.Error);
    }

    [Fact]
    public async Task With_a_results_directory_a_collect_far_past_the_cap_streams_to_its_file_and_the_status_names_it()
    {
        var directory = Directory.CreateTempSubdirectory("dagger-results-").FullName;
        try
        {
            await using var dagger = await DaggerClient.StartEmbeddedAsync(o => (o.MaxResultBytes, o.ResultsDirectory) = (1000, directory));
            var run = await dagger.SubmitAsync(new DagBuilder()
                .Node("src", "range", new { count = 100_000 }).Node("out", "collect").Node("n", "count")
                .Edge("src", "out").Edge("src", "n").Build());
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var status = await run.WaitAsync(cancellation: cts.Token);

            Assert.True(status.State == DagState.Completed, status.Error);
            var path = Path.Combine(directory, "out.json");
            using var entry = System.Text.Json.JsonDocument.Parse(status.Results["out"]);
            Assert.Equal(path, entry.RootElement.GetProperty("file").GetString());
            Assert.Equal(new FileInfo(path).Length, entry.RootElement.GetProperty("bytes").GetInt64());
            var values = System.Text.Json.JsonSerializer.Deserialize<long[]>(File.ReadAllText(path))!;
            Assert.Equal(Enumerable.Range(0, 100_000).Select(i => (long)i), values);
            Assert.Equal("100000", File.ReadAllText(Path.Combine(directory, "n.json")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_result_under_the_cap_is_whole()
    {
        var status = await RunAsync(100_000, new DagBuilder()
            .Node("src", "range", new { count = 1000 }).Node("out", "collect").Edge("src", "out").Build());

        Assert.Equal(DagState.Completed, status.State);
        Assert.Equal(1000, System.Text.Json.JsonSerializer.Deserialize<long[]>(status.Results["out"])!.Length);
    }

    [Fact]
    public async Task A_sink_that_keeps_little_but_writes_much_is_held_to_the_cap_as_it_writes()
    {
        // A sum of 5000-float vectors is one 5000-number array: small to keep, about 25 KB to write.
        var status = await RunAsync(10_000, new DagBuilder()
            .Node("src", "range", new { count = 3, type = "vector", width = 5000 }).Node("total", "sum").Edge("src", "total").Build());

        Assert.Equal(DagState.Failed, status.State);
        Assert.Contains("node 'total': its result grew past the cap of 10000 bytes", status.Error);
    }
}
