using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dagger.Orleans.Client;

namespace Dagger.Orleans.Cli;

/// <summary><c>dagger list --cluster FILE [--json]</c>: the runs the cluster knows, newest first, with state and age.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "print one JSON document instead of a table" };
        var cluster = ClusterCommands.ClusterOption();
        var command = new Command("list", "the runs the cluster knows, with state and age") { json, cluster };
        command.SetAction((parse, _) => ClusterCommands.WithClusterAsync(parse.GetValue(cluster)!, async client =>
        {
            var runs = await client.ListRunsAsync();
            var now = DateTimeOffset.UtcNow;
            Console.Out.Write(parse.GetValue(json) ? Json(runs, now) : Table(runs, now));
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static string Table(IReadOnlyList<RunSummary> runs, DateTimeOffset now)
    {
        var rows = new List<string[]> { new[] { "ID", "NAME", "STATE", "AGE", "NODES" } };
        rows.AddRange(runs.Select(r => new[]
        {
            r.DagId, r.Name ?? "-", r.State?.ToString() ?? "unknown", Age(now - r.SubmittedAt), r.Nodes.ToString(CultureInfo.InvariantCulture),
        }));
        var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var row in rows) sb.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        return sb.ToString();
    }

    /// <summary><c>{"runs":[{"dag", "name", "state", "submitted", "ended", "age_seconds", "nodes", "error"}]}</c>, newest first.</summary>
    public static string Json(IReadOnlyList<RunSummary> runs, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("runs");
            foreach (var r in runs)
            {
                w.WriteStartObject();
                w.WriteString("dag", r.DagId);
                w.WriteString("name", r.Name);
                w.WriteString("state", r.State?.ToString());
                w.WriteString("submitted", r.SubmittedAt);
                if (r.EndedAt is { } ended) w.WriteString("ended", ended);
                else w.WriteNull("ended");
                w.WriteNumber("age_seconds", Math.Round((now - r.SubmittedAt).TotalSeconds, 3));
                w.WriteNumber("nodes", r.Nodes);
                w.WriteString("error", r.Error);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + Environment.NewLine;
    }

    /// <summary>12s, 4m05s, 3h20m, 2d04h: two units at most, as a person reads an age.</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        return age.TotalSeconds < 60 ? $"{(int)age.TotalSeconds}s"
            : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes}m{age.Seconds:00}s"
            : age.TotalHours < 24 ? $"{(int)age.TotalHours}h{age.Minutes:00}m"
            : $"{(int)age.TotalDays}d{age.Hours:00}h";
    }
}
