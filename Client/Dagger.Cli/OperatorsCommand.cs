using System.CommandLine;
using System.Text;
using System.Text.Json;
using Dagger.Orleans.Discovery;

namespace Dagger.Orleans.Cli;

/// <summary>
/// <c>dagger operators [NAME] [--json] [--cluster FILE]</c>: the operators specs may use — the cluster's (asked of a
/// silo), or without <c>--cluster</c> the embedded silo's (built-in and <c>--operators</c> assemblies) — from the same
/// declarations validation reads. The JSON form is documented in the README ("Operator discovery").
/// </summary>
internal static class OperatorsCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("name") { Description = "one operator to describe (default: all)", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "print one JSON document instead of text" };
        var cluster = new Option<string?>("--cluster") { Description = "cluster file: the operators of that cluster's silos (default: the embedded silo's)" };
        var operators = SpecFiles.OperatorsOption();
        var command = new Command("operators", "every operator the silos know: inputs, outputs, arguments, summary") { name, json, cluster, operators };
        command.SetAction(async (parse, _) =>
        {
            var wanted = parse.GetValue(name);
            var asJson = parse.GetValue(json);
            if (parse.GetValue(cluster) is { } clusterPath)
                return await ClusterCommands.WithClusterAsync(clusterPath, async client => Print(await client.GetOperatorsAsync(), wanted, asJson));
            var catalog = SpecFiles.TryLocalCatalog(parse.GetValue(operators));
            if (catalog is null) return ExitCodes.Invalid;
            return Print(catalog.All.OrderBy(d => d.Name, StringComparer.Ordinal).Select(OperatorInfo.From).ToArray(), wanted, asJson);
        });
        return command;
    }

    private static int Print(IReadOnlyList<OperatorInfo> all, string? wanted, bool asJson)
    {
        var shown = wanted is null ? all : all.Where(o => o.Name == wanted).ToArray();
        if (shown.Count == 0)
        {
            var near = all.Select(o => o.Name).Where(n => n.Contains(wanted!, StringComparison.OrdinalIgnoreCase) || wanted!.Contains(n, StringComparison.OrdinalIgnoreCase)).ToArray();
            Console.Error.WriteLine($"dagger: unknown operator '{wanted}'" + (near.Length > 0
                ? $" (did you mean {string.Join(", ", near.Select(n => $"'{n}'"))}?)"
                : $" (known operators: {string.Join(", ", all.Select(o => o.Name))})"));
            return ExitCodes.Invalid;
        }
        Console.Out.Write(asJson ? Json(shown) : Text(shown));
        return ExitCodes.Ok;
    }

    /// <summary>Each operator as a block: its name and summary, inputs and outputs, then one line per argument.</summary>
    public static string Text(IReadOnlyList<OperatorInfo> operators)
    {
        var sb = new StringBuilder();
        foreach (var op in operators)
        {
            if (sb.Length > 0) sb.AppendLine();
            sb.AppendLine(op.Summary.Length > 0 ? $"{op.Name}: {op.Summary}" : op.Name);
            sb.AppendLine($"  inputs: {Inputs(op)} · outputs: {(op.IsSink ? "none (a sink: its result is the run's)" : "1 stream (any number of edges)")}");
            if (op.Args.Count == 0)
            {
                sb.AppendLine("  arguments: none");
                continue;
            }
            sb.AppendLine("  arguments:");
            var rows = op.Args.Select(a => new[]
            {
                a.Name, a.Type, a.Required ? "required" : a.DefaultJson is { } d ? "default " + d : "optional", a.RangeText, a.Description,
            }).ToArray();
            var widths = Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length)).ToArray();
            foreach (var row in rows)
                sb.AppendLine(("    " + string.Join("  ", row.Take(4).Select((cell, c) => cell.PadRight(widths[c]))) + "  " + row[4]).TrimEnd());
        }
        return sb.ToString();
    }

    private static string Inputs(OperatorInfo op) =>
        op.IsSource ? "none (a source)"
        : op.MinInputs == op.MaxInputs ? op.MinInputs.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : op.MaxInputs == int.MaxValue ? $"{op.MinInputs} or more"
        : $"{op.MinInputs} to {op.MaxInputs}";

    /// <summary>
    /// <c>{"operators":[{"name", "summary", "inputs":{"min","max"}, "outputs", "source", "sink", "args":[{"name", "type",
    /// "required", "default", "minimum", "maximum", "allowed", "description"}]}]}</c>; <c>max</c> is null for any number
    /// of inputs; <c>default</c> is the JSON value an absent argument takes, or null.
    /// </summary>
    public static string Json(IReadOnlyList<OperatorInfo> operators)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("operators");
            foreach (var op in operators)
            {
                w.WriteStartObject();
                w.WriteString("name", op.Name);
                w.WriteString("summary", op.Summary);
                w.WriteStartObject("inputs");
                w.WriteNumber("min", op.MinInputs);
                if (op.MaxInputs == int.MaxValue) w.WriteNull("max");
                else w.WriteNumber("max", op.MaxInputs);
                w.WriteEndObject();
                w.WriteNumber("outputs", op.Outputs);
                w.WriteBoolean("source", op.IsSource);
                w.WriteBoolean("sink", op.IsSink);
                w.WriteStartArray("args");
                foreach (var arg in op.Args) WriteArg(w, arg);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + Environment.NewLine;
    }

    private static void WriteArg(Utf8JsonWriter w, ArgInfo arg)
    {
        w.WriteStartObject();
        w.WriteString("name", arg.Name);
        w.WriteString("type", arg.Type);
        w.WriteBoolean("required", arg.Required);
        w.WritePropertyName("default");
        if (arg.DefaultJson is { } d) w.WriteRawValue(d);
        else w.WriteNullValue();
        WriteBound(w, "minimum", arg.Minimum);
        WriteBound(w, "maximum", arg.Maximum);
        if (arg.Allowed is { } allowed)
        {
            w.WriteStartArray("allowed");
            foreach (var value in allowed) w.WriteStringValue(value);
            w.WriteEndArray();
        }
        else w.WriteNull("allowed");
        w.WriteString("description", arg.Description);
        w.WriteEndObject();
    }

    private static void WriteBound(Utf8JsonWriter w, string name, double? bound)
    {
        if (bound is { } b && double.IsFinite(b)) w.WriteNumber(name, b);
        else w.WriteNull(name);
    }
}
