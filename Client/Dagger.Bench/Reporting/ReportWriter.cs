using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dagger.Orleans.Bench.Running;

namespace Dagger.Orleans.Bench.Reporting;

/// <summary>report.md (for people) and results.json (for machines) of a bench run.</summary>
public static class ReportWriter
{
    public const string MarkdownFile = "report.md";
    public const string JsonFile = "results.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Write(BenchRunResult result)
    {
        File.WriteAllText(Path.Combine(result.Options.OutputDirectory, MarkdownFile), Markdown(result));
        File.WriteAllText(Path.Combine(result.Options.OutputDirectory, JsonFile), JsonSerializer.Serialize(result, Json));
    }

    public static string Markdown(BenchRunResult result)
    {
        var md = new StringBuilder();
        var o = result.Options;
        var m = result.Machine;
        md.AppendLine("# Dagger.Orleans benchmark report");
        md.AppendLine();
        if (o.DebugBuild) md.AppendLine("> **Debug build: these numbers are not meaningful.** Build with `-c Release` (the `./dagger` script does).\n");
        md.AppendLine(CultureInfo.InvariantCulture, $"- date: {result.Started:yyyy-MM-dd HH:mm} UTC, {result.Seconds:F0} s in all");
        md.AppendLine(CultureInfo.InvariantCulture, $"- command: `{o.CommandLine}` ({(o.Quick ? "**quick** run: tiny sizes, the numbers only show that it works" : "full run")})");
        md.AppendLine(CultureInfo.InvariantCulture, $"- machine: {m.Cpu}, {m.Cores} cores, {m.RamGiB:F1} GiB RAM, {m.Os}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- runtime: {m.Runtime}, {m.Gc}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- accelerator: {m.Accelerator}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- commit: {m.GitCommit}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- load average: {m.Load}; a load well above the core count means other work shared the machine and the numbers are noisier");
        md.AppendLine();
        md.AppendLine("Each row measures Dagger and its baseline side by side in the same process and run (warm-up, then repeated "
            + "measures; the median is shown). *ratio* is Dagger ÷ baseline for rates, baseline ÷ Dagger for latencies, so above 1 "
            + "means Dagger did better either way. A missed goal is flagged, not an error: the exit code is 1 only when a section failed.");
        md.AppendLine();
        AppendSummary(md, result);
        foreach (var section in result.Sections) AppendSection(md, section);
        return md.ToString();
    }

    private static void AppendSummary(StringBuilder md, BenchRunResult result)
    {
        md.AppendLine("| section | rows | goals met | status | seconds |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var s in result.Sections)
        {
            var withGoal = s.Rows.Count(r => r.Goal is not null);
            var met = s.Rows.Count(r => r.Goal is not null && !r.MissesGoal);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| [{s.Name}](#{Anchor(s)}) | {s.Rows.Count} | {(withGoal == 0 ? "–" : $"{met} of {withGoal}")} | {(s.Failed ? "**failed**" : "ran")} | {s.Seconds:F0} |");
        }
        md.AppendLine();
    }

    private static string Anchor(SectionResult s) =>
        new(Heading(s).ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-').Select(c => c == ' ' ? '-' : c).ToArray());

    private static string Heading(SectionResult s) => $"{s.Name}: {s.Title}";

    private static void AppendSection(StringBuilder md, SectionResult s)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"## {Heading(s)}");
        md.AppendLine();
        if (s.Error is not null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"**This section failed:** {Cell(s.Error)}");
            md.AppendLine();
        }
        if (s.Rows.Count > 0) AppendTable(md, s.Rows);
        foreach (var note in s.Notes) md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        if (s.Notes.Count > 0) md.AppendLine();
        foreach (var plot in s.PlotFiles) md.AppendLine(CultureInfo.InvariantCulture, $"![{Path.GetFileNameWithoutExtension(plot)}]({plot})");
        if (s.PlotFiles.Count > 0) md.AppendLine();
    }

    /// <summary>The table of one section: case, Dagger, baseline, ratio, goal, verdict; row notes numbered under it.</summary>
    public static void AppendTable(StringBuilder md, IReadOnlyList<BenchRow> rows)
    {
        md.AppendLine("| case | Dagger | baseline | ratio | goal | verdict |");
        md.AppendLine("|---|---|---|---|---|---|");
        var notes = new List<string>();
        foreach (var r in rows)
        {
            var marker = "";
            if (r.Note is not null)
            {
                notes.Add(r.Note);
                marker = $" [{notes.Count}]";
            }
            var baseline = r.Baseline is null ? "–" : r.BaselineValue is { } b ? $"{Cell(r.Baseline)}: {NumberFormat.Value(b, r.Unit)}" : $"{Cell(r.Baseline)}: –";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {Cell(r.Case)}{marker} | {NumberFormat.Value(r.Value, r.Unit)} | {baseline} | {NumberFormat.Ratio(r.Ratio)} | {Goal(r)} | {Verdict(r)} |");
        }
        md.AppendLine();
        for (var i = 0; i < notes.Count; i++) md.AppendLine(CultureInfo.InvariantCulture, $"[{i + 1}] {Cell(notes[i])}  ");
        if (notes.Count > 0) md.AppendLine();
    }

    public static string Goal(BenchRow row) => row.Goal is { } g ? $"≥ {g.ToString("0.##", CultureInfo.InvariantCulture)}" : "–";

    public static string Verdict(BenchRow row) => row.Goal is null ? "–" : row.MissesGoal ? "**misses**" : "meets";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
