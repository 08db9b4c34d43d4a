using System.Text.Json;
using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary><c>dagger run</c> without <c>--cluster</c>: an embedded silo runs the DAG (CONTRACT §3).</summary>
[Collection(CliCollection.Name)]
public class RunCommandTests(CliFixture cli)
{
    [Fact]
    public async Task Run_of_the_quickstart_example_completes_with_the_diamond_result()
    {
        var result = await cli.RunAsync("run", "examples/quickstart.json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = result.Document();
        Assert.Equal("Completed", document.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(document.GetProperty("dag").GetString()), result.ToString());
        var results = document.GetProperty("results");
        Assert.Equal(["out"], results.EnumerateObject().Select(p => p.Name));
        // out[i] = 2i + (i + 1) for i = 0..999: 1, 4, 7, ..., 2998.
        var expected = Enumerable.Range(0, 1000).Select(i => 3.0 * i + 1).ToArray();
        Assert.Equal(expected, results.GetProperty("out").EnumerateArray().Select(e => e.GetDouble()).ToArray());
        Assert.False(document.TryGetProperty("error", out _), result.ToString());
    }

    [Fact]
    public async Task Run_prints_one_document_on_stdout_and_progress_lines_on_stderr()
    {
        var result = await cli.RunAsync("run", "examples/quickstart.json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("{", result.Stdout.TrimStart());
        Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(result.StderrLines, l => l.StartsWith("dagger: starting embedded silo", StringComparison.Ordinal));
        Assert.Contains(result.StderrLines, l => l.StartsWith("dagger: DAG ", StringComparison.Ordinal) && l.Contains("submitted (5 nodes)", StringComparison.Ordinal));
        Assert.Contains(result.StderrLines, l => l.StartsWith("dagger: Completed in ", StringComparison.Ordinal));
        Assert.All(result.StderrLines, l => Assert.StartsWith("dagger: ", l));
    }

    [Fact]
    public async Task The_result_document_has_stats_for_every_node()
    {
        var result = await cli.RunAsync("run", "examples/quickstart.json");

        var stats = result.Document().GetProperty("stats");
        Assert.True(stats.GetProperty("seconds").GetDouble() >= 0, result.ToString());
        var nodes = stats.GetProperty("nodes");
        Assert.Equal(["src", "a", "b", "join", "out"], nodes.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1000, nodes.GetProperty("src").GetProperty("emitted").GetInt64());
        Assert.Equal(1000, nodes.GetProperty("join").GetProperty("emitted").GetInt64());
        Assert.All(nodes.EnumerateObject(), n => Assert.Equal("Finished", n.Value.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task Run_of_the_sleep10_example_runs_its_ten_sleeps_side_by_side()
    {
        var result = await cli.RunAsync("run", "examples/sleep10.json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = result.Document();
        Assert.Equal("Completed", document.GetProperty("status").GetString());
        Assert.Equal(10, document.GetProperty("results").GetProperty("out").GetInt64());
        // The run time the product reports: ten 1 s sleeps in parallel take about 1 s, one after another 10 s.
        var seconds = document.GetProperty("stats").GetProperty("seconds").GetDouble();
        Assert.InRange(seconds, 1.0, 3.0);
    }

    [Fact]
    public async Task A_node_stops_after_max_evals_elements_and_an_endless_source_above_it_is_torn_down()
    {
        var spec = cli.WriteSpec("max-evals.json", """
            { "nodes": [ { "id": "src", "op": "range" },
                         { "id": "first", "op": "scale", "args": { "factor": 10 }, "max_evals": 5 },
                         { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "first" }, { "from": "first", "to": "out" } ] }
            """);

        var result = await cli.RunAsync("run", spec);

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = result.Document();
        Assert.Equal("Completed", document.GetProperty("status").GetString());
        Assert.Equal([0.0, 10, 20, 30, 40], document.GetProperty("results").GetProperty("out").EnumerateArray().Select(e => e.GetDouble()));
    }

    [Fact]
    public async Task A_node_failing_at_run_time_gives_exit_1_and_a_failed_document_naming_the_node()
    {
        var spec = cli.WriteSpec("fails.json", CliSpecs.FailsAtRunTime);

        var result = await cli.RunAsync("run", spec);

        Assert.True(result.ExitCode == 1, result.ToString());
        var document = result.Document();
        Assert.Equal("Failed", document.GetProperty("status").GetString());
        var error = document.GetProperty("error").GetString()!;
        Assert.Contains("'total'", error);
        Assert.Contains("width", error);
        Assert.Contains(result.StderrLines, l => l.StartsWith("dagger: ", StringComparison.Ordinal) && l.Contains("'total'", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_with_a_timeout_cancels_an_endless_dag_and_exits_1()
    {
        var spec = cli.WriteSpec("endless-timeout.json", CliSpecs.Endless);

        var result = await cli.RunAsync("run", spec, "--timeout", "1");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("timed out", StringComparison.Ordinal));
        var document = result.Document();
        Assert.Equal("Cancelled", document.GetProperty("status").GetString());
        Assert.Contains("timed out", document.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Run_of_an_invalid_spec_exits_2_before_starting_a_silo()
    {
        var spec = cli.WriteSpec("invalid-run.json", CliSpecs.ThreeProblems);

        var result = await cli.RunAsync("run", spec);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.DoesNotContain(result.StderrLines, l => l.Contains("starting embedded silo", StringComparison.Ordinal));
        Assert.Contains(result.StderrLines, l => l.Contains("unknown operator 'rnage'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_on_the_embedded_silo_refuses_a_transport_it_does_not_carry_before_anything_runs()
    {
        var spec = cli.WriteSpec("nats-edge.json", """
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 3 } }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out", "transport": "nats" } ] }
            """);

        var result = await cli.RunAsync("run", spec);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains("edge 0 (src -> out)", StringComparison.Ordinal)
            && l.Contains("transport 'nats' is not configured on the embedded silo, which carries memory edges only: it needs a cluster with NATS (--cluster FILE)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_timed_out_run_keeps_what_its_sinks_received()
    {
        var spec = cli.WriteSpec("endless-keep.json", CliSpecs.Endless);

        var result = await cli.RunAsync("run", spec, "--timeout", "1");

        Assert.True(result.ExitCode == 1, result.ToString());
        var document = result.Document();
        foreach (var sink in document.GetProperty("results").EnumerateObject())
        {
            var received = document.GetProperty("stats").GetProperty("nodes").GetProperty(sink.Name).GetProperty("received").GetInt64();
            Assert.True(received > 0, $"sink {sink.Name} received nothing in 1 s");
        }
        Assert.NotEmpty(document.GetProperty("results").EnumerateObject());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("soon")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e300")]
    public async Task Run_with_a_timeout_that_is_not_a_positive_number_exits_2(string timeout)
    {
        var result = await cli.RunAsync("run", "examples/quickstart.json", "--timeout", timeout);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains("--timeout", StringComparison.Ordinal) || l.Contains(timeout, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_with_a_cluster_file_that_does_not_exist_exits_2_naming_the_file()
    {
        var result = await cli.RunAsync("run", "examples/quickstart.json", "--cluster", "no-such-cluster.json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("no-such-cluster.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_interrupted_run_exits_130_with_a_cancelled_document()
    {
        var spec = cli.WriteSpec("endless-interrupt.json", CliSpecs.Endless);
        using var process = cli.Start("run", spec);

        // The Ctrl+C handler is in place before the "submitted" line is written.
        await process.WaitForStderrLineAsync(l => l.Contains("submitted", StringComparison.Ordinal), CliFixture.CommandTimeout);
        await process.InterruptAsync();
        var result = await process.WaitForExitAsync(CliFixture.CommandTimeout);

        Assert.True(result.ExitCode == 130, result.ToString());
        var document = result.Document();
        Assert.Equal("Cancelled", document.GetProperty("status").GetString());
        Assert.Contains(result.StderrLines, l => l.Contains("interrupted", StringComparison.Ordinal));
        // Graceful: the source stopped and what it had emitted drained into the counter, which reports it.
        Assert.Equal(JsonValueKind.Number, document.GetProperty("results").GetProperty("out").ValueKind);
    }

    [Fact]
    public async Task Ctrl_c_on_a_slow_endless_run_exits_130_within_the_grace_period_and_two_seconds()
    {
        var spec = cli.WriteSpec("slow-endless-interrupt.json", CliSpecs.SlowEndless);
        using var process = cli.Start("run", spec);
        await process.WaitForStderrLineAsync(l => l.Contains("submitted", StringComparison.Ordinal), CliFixture.CommandTimeout);
        // Long enough for the inboxes of the slow hop to fill: a drain of them alone would take minutes.
        await Task.Delay(TimeSpan.FromSeconds(3));

        var interrupted = System.Diagnostics.Stopwatch.StartNew();
        await process.InterruptAsync();
        var result = await process.WaitForExitAsync(CliFixture.CommandTimeout);
        var took = interrupted.Elapsed;

        Assert.True(result.ExitCode == 130, result.ToString());
        // The default grace period is 10 s; the contract allows a couple of seconds more.
        Assert.True(took < TimeSpan.FromSeconds(12), $"exited {took.TotalSeconds:F1} s after Ctrl+C\n{result}");
        var document = result.Document();
        Assert.Equal("Cancelled", document.GetProperty("status").GetString());
        Assert.Equal("graceful, then forceful", document.GetProperty("cancellation").GetString());
        Assert.True(document.GetProperty("results").GetProperty("out").GetInt64() > 0, result.ToString());
    }

    [Fact]
    public async Task A_second_ctrl_c_cancels_forcefully_at_once()
    {
        var spec = cli.WriteSpec("slow-endless-interrupt-twice.json", CliSpecs.SlowEndless);
        using var process = cli.Start("run", spec, "--grace", "600");
        await process.WaitForStderrLineAsync(l => l.Contains("submitted", StringComparison.Ordinal), CliFixture.CommandTimeout);
        await process.InterruptAsync();
        await process.WaitForStderrLineAsync(l => l.Contains("interrupted", StringComparison.Ordinal), CliFixture.CommandTimeout);

        await process.InterruptAsync();
        var result = await process.WaitForExitAsync(CliFixture.CommandTimeout);

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Equal("graceful, then forceful", result.Document().GetProperty("cancellation").GetString());
        Assert.Contains(result.StderrLines, l => l.Contains("interrupted again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_negative_grace_is_refused_with_exit_2_naming_the_option()
    {
        var result = await cli.RunAsync("run", "examples/quickstart.json", "--grace", "-1");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("--grace", StringComparison.Ordinal));
    }
}
