using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dagger.Orleans.Diagnostics;

namespace Dagger.Orleans.Cli;

/// <summary>
/// <c>dagger alloc SPEC.json</c>: each operator's steady-state allocation per element and per batch, in this process,
/// against its budget (docs/alloc.md). Exit 0 when every operator is within budget, 1 when one is over (or fails),
/// 2 for a spec that is not valid.
/// </summary>
internal static class AllocCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "the DAG spec (JSON)" };
        var batches = new Option<int>("--batches") { Description = "calls (batches) to measure per node (default 20)", DefaultValueFactory = _ => 20 };
        batches.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, CultureInfo.InvariantCulture, out var n) && n < 1)
                r.AddError($"--batches must be 1 or more (got {n})");
        });
        var warmup = new Option<int>("--warmup") { Description = "calls per node before measuring (default 30)", DefaultValueFactory = _ => 30 };
        warmup.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, CultureInfo.InvariantCulture, out var n) && n < 0)
                r.AddError($"--warmup must be 0 or more (got {n})");
        });
        var seconds = new Option<double>("--seconds") { Description = "time limit: warm-up ends at half of it, measuring at all of it (default 10)", DefaultValueFactory = _ => 10 };
        seconds.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && !(s > 0 && s <= 3600))
                r.AddError($"--seconds must be a positive number of seconds, at most 3600 (got {r.Tokens[0].Value})");
        });
        var json = new Option<bool>("--json") { Description = "print the report as JSON instead of a table" };
        var operators = SpecFiles.OperatorsOption();
        var command = new Command("alloc", "measure each operator's steady-state allocation per element and per batch against its budget")
        {
            spec, batches, warmup, seconds, json, operators,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(Run(
            parse.GetValue(spec)!,
            new AllocationProbeOptions
            {
                MeasuredCalls = parse.GetValue(batches),
                WarmupCalls = parse.GetValue(warmup),
                TimeLimit = TimeSpan.FromSeconds(parse.GetValue(seconds)),
            },
            parse.GetValue(json),
            parse.GetValue(operators) ?? [],
            cancellation)));
        return command;
    }

    private static int Run(string specPath, AllocationProbeOptions options, bool json, string[] operatorAssemblies, CancellationToken cancellation)
    {
        var catalog = SpecFiles.TryLocalCatalog(operatorAssemblies);
        if (catalog is null) return ExitCodes.Invalid;
        // Edges do not matter here (every batch stays in this process): any transport name is accepted.
        var dag = SpecFiles.Load(specPath, catalog, SpecFiles.AnyTransport);
        if (dag is null) return ExitCodes.Invalid;

        AllocationReport report;
        try
        {
            report = new AllocationProbe(catalog).Measure(dag, options, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine("dagger: alloc interrupted");
            return ExitCodes.Interrupted;
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"dagger: {specPath}: {e.Message}");
            return ExitCodes.Failed;
        }

        if (json)
        {
            using var stdout = Console.OpenStandardOutput();
            using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
            {
                AllocationReportWriter.WriteJson(writer, report);
            }
            stdout.Write("\n"u8);
        }
        else
        {
            Console.WriteLine($"{specPath}: steady-state allocation per operator");
            Console.WriteLine();
            AllocationReportWriter.WriteTable(Console.Out, report);
        }
        if (report.AllWithinBudget) return ExitCodes.Ok;
        foreach (var n in report.Nodes)
        {
            if (n.Verdict != AllocationVerdict.Over) continue;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"dagger: node '{n.NodeId}' ({n.Operator}) is over its allocation budget: {n.Bytes} bytes in {n.Calls} batches ({n.BytesPerElement:0.##} B per element, {n.BytesPerBatch:0.#} B per batch), {n.AllowedBytes:0} allowed ({n.Budget})"));
        }
        return ExitCodes.Failed;
    }
}
