using System.Text.Json;
using Dagger.Orleans.Bench;
using Dagger.Orleans.Bench.Reporting;
using Dagger.Orleans.Bench.Running;
using Xunit;

namespace Dagger.Orleans.Tests.Bench;

public sealed class BenchRunnerTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("dagger-bench-test").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private BenchRunOptions Options => new(Quick: true, Only: null, _out, "dagger bench --quick");

    private static readonly BenchRow Met = new("alpha", "NATS edge, 1 hop", "el/s", 8e5, "raw NATS.Net", 1e6, Goal: 0.7);
    private static readonly BenchRow Missed = new("alpha", "MQTT edge, 1 hop", "el/s", 3e5, "raw MQTTnet", 1e6, Goal: 0.7, Note: "broker on loopback");

    [Fact]
    public async Task A_failing_section_is_reported_and_the_sections_after_it_still_run()
    {
        var after = new FixedSection("omega", Met);
        var log = new StringWriter();

        var result = await BenchRunner.RunAsync([new FixedSection("alpha", Met), new ThrowingSection(), after], Options, log, CancellationToken.None);

        Assert.True(after.Ran);
        Assert.Equal(1, result.ExitCode);
        var broken = Assert.Single(result.Sections, s => s.Failed);
        Assert.Equal("broken", broken.Name);
        Assert.Contains("the broker binary is missing", broken.Error);
        Assert.Contains("section broken failed", log.ToString());
        var report = await File.ReadAllTextAsync(Path.Combine(_out, ReportWriter.MarkdownFile));
        Assert.Contains("**This section failed:** InvalidOperationException: the broker binary is missing", report);
        Assert.Contains("| [omega]", report);
    }

    [Fact]
    public async Task A_section_with_a_failed_case_keeps_its_rows_but_counts_as_failed()
    {
        var result = await BenchRunner.RunAsync([new PartlyFailingSection()], Options, TextWriter.Null, CancellationToken.None);

        var section = Assert.Single(result.Sections);
        Assert.True(section.Failed);
        Assert.Contains("mosquitto is not installed", section.Error);
        Assert.Single(section.Rows);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task Missed_goals_are_flagged_in_the_table_but_do_not_fail_the_run()
    {
        var result = await BenchRunner.RunAsync([new FixedSection("alpha", Met, Missed)], Options, TextWriter.Null, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        var report = await File.ReadAllTextAsync(Path.Combine(_out, ReportWriter.MarkdownFile));
        Assert.Contains("| case | Dagger | baseline | ratio | goal | verdict |", report);
        Assert.Contains("| NATS edge, 1 hop | 800 k el/s | raw NATS.Net: 1.00 M el/s | 0.80 | ≥ 0.7 | meets |", report);
        Assert.Contains("| MQTT edge, 1 hop [1] | 300 k el/s | raw MQTTnet: 1.00 M el/s | 0.30 | ≥ 0.7 | **misses** |", report);
        Assert.Contains("[1] broker on loopback", report);
        Assert.Contains("| 1 of 2 |", report);
        Assert.Contains("alpha note", report);
        Assert.Contains("**quick** run", report);
    }

    [Fact]
    public async Task Results_json_holds_every_row_with_its_ratio_and_the_machine()
    {
        await BenchRunner.RunAsync([new FixedSection("alpha", Met, Missed)], Options, TextWriter.Null, CancellationToken.None);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_out, ReportWriter.JsonFile)));
        var rows = json.RootElement.GetProperty("sections")[0].GetProperty("rows");
        Assert.Equal(2, rows.GetArrayLength());
        Assert.Equal(0.8, rows[0].GetProperty("ratio").GetDouble(), 9);
        Assert.True(rows[1].GetProperty("missesGoal").GetBoolean());
        Assert.True(json.RootElement.GetProperty("machine").GetProperty("cores").GetInt32() >= 1);
    }

    [Fact]
    public async Task Every_chart_a_section_asks_for_is_written_as_a_png_and_linked_from_the_report()
    {
        var result = await BenchRunner.RunAsync([new FixedSection("alpha", Met)], Options, TextWriter.Null, CancellationToken.None);

        Assert.Equal(["alpha-bars.png", "alpha-lines.png"], result.Sections[0].PlotFiles);
        foreach (var file in result.Sections[0].PlotFiles) BenchFiles.AssertPng(Path.Combine(_out, file));
        Assert.Contains("![alpha-bars](alpha-bars.png)", await File.ReadAllTextAsync(Path.Combine(_out, ReportWriter.MarkdownFile)));
    }

    [Fact]
    public void Discovery_finds_the_known_sections_in_report_order()
    {
        var names = BenchRunner.Discover().Select(s => s.Name).ToList();

        string[] mine = ["chain", "tasks", "latency", "scaling"];
        Assert.Equal(mine, names.Where(mine.Contains));
        Assert.Equal(mine, names.Take(mine.Length));
    }

    [Fact]
    public void Asking_for_an_unknown_section_names_it_and_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => BenchRunner.Select(BenchRunner.Discover(), ["chain", "nope"]));
        Assert.Contains("nope", e.Message);
        Assert.Contains("latency", e.Message);
    }

    [Fact]
    public void Unknown_sections_are_ordered_after_the_known_ones_by_name()
    {
        var ordered = BenchRunner.Order([new FixedSection("zeta"), new FixedSection("latency"), new FixedSection("beta"), new FixedSection("chain")]);
        Assert.Equal(["chain", "latency", "beta", "zeta"], ordered.Select(s => s.Name));
    }
}

internal static class BenchFiles
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The file exists, starts with the PNG signature and is big enough to hold a drawn chart.</summary>
    public static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 5_000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(PngSignature, bytes[..8]);
    }
}
