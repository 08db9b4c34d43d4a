using System.Text.Json;
using Dagger.Orleans.Bench.Reporting;
using Dagger.Orleans.Bench.Running;
using Xunit;

namespace Dagger.Orleans.Tests.Bench;

/// <summary>`dagger bench --quick --only chain,latency` in process: real silos, a real nats-server and mosquitto.</summary>
public sealed class BenchSmokeTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("dagger-bench-smoke").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task A_quick_run_of_chain_and_latency_writes_a_report_results_and_charts()
    {
        var output = new StringWriter();
        var log = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        var exit = await BenchMain.RunAsync(quick: true, "chain,latency", _out, "dagger bench --quick --only chain,latency", debugBuild: false, output, log, timeout.Token);

        Assert.True(exit == 0, $"exit {exit}; log:\n{log}");
        Assert.Contains("report:", output.ToString());
        var report = await File.ReadAllTextAsync(Path.Combine(_out, ReportWriter.MarkdownFile));
        Assert.Contains("## chain:", report);
        Assert.Contains("## latency:", report);
        Assert.Contains("TPL Dataflow", report);
        Assert.Contains("raw NATS.Net JetStream", report);
        Assert.Contains("raw MQTTnet QoS 1", report);
        Assert.DoesNotContain("## scaling:", report);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_out, ReportWriter.JsonFile)));
        var sections = json.RootElement.GetProperty("sections");
        Assert.Equal(2, sections.GetArrayLength());
        foreach (var section in sections.EnumerateArray())
        {
            Assert.False(section.TryGetProperty("error", out _), section.ToString());
            foreach (var row in section.GetProperty("rows").EnumerateArray()) Assert.True(row.GetProperty("value").GetDouble() > 0, row.ToString());
        }
        BenchFiles.AssertPng(Path.Combine(_out, "chain-throughput.png"));
        BenchFiles.AssertPng(Path.Combine(_out, "latency-per-hop.png"));
    }

    [Fact]
    public async Task An_unknown_section_is_refused_with_exit_2_before_anything_runs()
    {
        var log = new StringWriter();

        var exit = await BenchMain.RunAsync(quick: true, "chain,nope", _out, "dagger bench --only chain,nope", debugBuild: false, TextWriter.Null, log, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("unknown section(s) nope", log.ToString());
        Assert.False(File.Exists(Path.Combine(_out, ReportWriter.MarkdownFile)));
    }
}
