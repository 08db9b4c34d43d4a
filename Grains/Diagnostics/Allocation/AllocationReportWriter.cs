using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Dagger.Orleans.Diagnostics;

/// <summary>An <see cref="AllocationReport"/> as a text table (what <c>dagger alloc</c> prints) or as JSON (<c>--json</c>).</summary>
public static class AllocationReportWriter
{
    private static readonly string[] Headers = ["node", "operator", "in -> out", "batches", "el/batch", "B/el", "B/batch", "budget", "verdict"];

    public static void WriteTable(TextWriter writer, AllocationReport report)
    {
        var rows = new List<string[]>(report.Nodes.Count + 1) { Headers };
        foreach (var n in report.Nodes)
        {
            rows.Add(
            [
                n.NodeId,
                n.Operator,
                Flow(n),
                Number(n.Calls) + (n.StartupIncluded ? " *" : ""),
                n.Calls == 0 ? "-" : Number(n.ElementsPerBatch),
                n.Calls == 0 ? "-" : Number(n.BytesPerElement),
                n.Calls == 0 ? "-" : Number(n.BytesPerBatch),
                n.Budget.ToString(),
                Verdict(n.Verdict),
            ]);
        }
        var widths = new int[Headers.Length];
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        }
        var line = new StringBuilder();
        foreach (var row in rows)
        {
            line.Clear();
            for (var c = 0; c < row.Length; c++)
            {
                // Names left-aligned, numbers right-aligned.
                var numeric = c is >= 3 and <= 6;
                line.Append(numeric ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]));
                if (c < row.Length - 1) line.Append("  ");
            }
            writer.WriteLine(line.ToString().TrimEnd());
        }
        writer.WriteLine();
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Bytes allocated on the measuring thread inside each operator call, after {report.WarmupCalls} warm-up calls per node; batches = calls measured (an input batch, a source's produce call, a lockstep step)."));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Every budget also allows one Batch object ({report.BatchShellBytes} B) per output batch the operator starts; its buffer is pooled."));
        var explained = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in report.Nodes)
        {
            if (n.Budget.Reason.Length > 0 && explained.Add(n.Operator + "\n" + n.Budget.Reason)) writer.WriteLine($"budget of {n.Operator}: {n.Budget.Reason}");
        }
        foreach (var n in report.Nodes)
        {
            if (n.StartupIncluded) writer.WriteLine($"* {n.NodeId}: one call per run of this DAG, so every call measured was a fresh instance's first: start-up, not judged");
            if (n.Verdict == AllocationVerdict.NotMeasured) writer.WriteLine($"{n.NodeId}: no input reached it while the probe ran: not measured");
            else if (n.Budget.Amortised && !n.StartupIncluded) writer.WriteLine($"{n.NodeId}: {n.Operator} keeps what it is given, so it is judged over its instance's whole life (batches = calls since it started)");
            else if (n.Calls < report.MeasuredCalls) writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n.NodeId}: {n.Calls} of the {report.MeasuredCalls} calls asked for were measured"));
        }
        if (report.Windows > 1)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"measured in {report.Windows} windows (a node over budget is measured again; each keeps its best window)"));
        if (report.TimeLimitReached)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stopped at the time limit after {report.Elapsed.TotalSeconds:F1} s ({report.Rounds} rounds)"));
    }

    public static void WriteJson(Utf8JsonWriter writer, AllocationReport report)
    {
        writer.WriteStartObject();
        if (report.DagName is not null) writer.WriteString("dag", report.DagName);
        writer.WriteBoolean("within_budget", report.AllWithinBudget);
        writer.WriteNumber("warmup_calls", report.WarmupCalls);
        writer.WriteNumber("measured_calls", report.MeasuredCalls);
        writer.WriteNumber("batch_object_bytes", report.BatchShellBytes);
        writer.WriteNumber("windows", report.Windows);
        writer.WriteNumber("rounds", report.Rounds);
        writer.WriteNumber("seconds", Math.Round(report.Elapsed.TotalSeconds, 3));
        writer.WriteBoolean("time_limit_reached", report.TimeLimitReached);
        writer.WriteStartArray("nodes");
        foreach (var n in report.Nodes)
        {
            writer.WriteStartObject();
            writer.WriteString("node", n.NodeId);
            writer.WriteString("operator", n.Operator);
            writer.WriteString("role", n.Role);
            writer.WriteString("input", n.Input);
            writer.WriteString("output", n.Output);
            writer.WriteNumber("batches", n.Calls);
            writer.WriteNumber("elements", n.Elements);
            writer.WriteNumber("input_bytes", n.InputBytes);
            writer.WriteNumber("output_elements", n.OutputElements);
            writer.WriteNumber("output_records", n.OutputRecords);
            writer.WriteNumber("output_batches", n.OutputBatches);
            writer.WriteNumber("bytes", n.Bytes);
            writer.WriteNumber("elements_per_batch", Math.Round(n.ElementsPerBatch, 3));
            if (double.IsFinite(n.BytesPerElement)) writer.WriteNumber("bytes_per_element", Math.Round(n.BytesPerElement, 4));
            else writer.WriteNull("bytes_per_element");
            writer.WriteNumber("bytes_per_batch", Math.Round(n.BytesPerBatch, 2));
            writer.WriteNumber("allowed_bytes", Math.Round(n.AllowedBytes, 2));
            writer.WriteStartObject("budget");
            writer.WriteNumber("bytes_per_element", n.Budget.BytesPerElement);
            writer.WriteNumber("bytes_per_output_record", n.Budget.BytesPerOutputRecord);
            writer.WriteNumber("bytes_per_batch", n.Budget.BytesPerBatch);
            writer.WriteNumber("bytes_per_input_byte", n.Budget.BytesPerInputByte);
            writer.WriteBoolean("amortised", n.Budget.Amortised);
            if (n.Budget.Reason.Length > 0) writer.WriteString("reason", n.Budget.Reason);
            writer.WriteEndObject();
            writer.WriteBoolean("startup_included", n.StartupIncluded);
            writer.WriteString("verdict", Verdict(n.Verdict));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static string Flow(NodeAllocation n) => n.Role switch
    {
        "source" => "-> " + n.Output,
        "sink" => n.Input + " ->",
        _ => $"{n.Input} -> {(n.Output.Length == 0 ? "(nothing)" : n.Output)}",
    };

    private static string Verdict(AllocationVerdict verdict) => verdict switch
    {
        AllocationVerdict.Ok => "ok",
        AllocationVerdict.Over => "OVER",
        AllocationVerdict.StartupOnly => "start-up",
        _ => "not measured",
    };

    private static string Number(double x) => x switch
    {
        0 => "0",
        double.PositiveInfinity => "inf",
        >= 100 => x.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => x.ToString("0.#", CultureInfo.InvariantCulture),
        _ => x.ToString("0.##", CultureInfo.InvariantCulture),
    };
}
