using System.Text;
using System.Text.Json;
using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Tests.Alloc;

/// <summary>Specs for the allocation tests, validated as <c>dagger alloc</c> validates them, and the probe that measures them.</summary>
internal static class AllocSpecs
{
    /// <summary>The built-in operators and this assembly's test operators.</summary>
    public static readonly OperatorCatalog Catalog = new([typeof(OperatorCatalog).Assembly, typeof(AllocSpecs).Assembly]);

    /// <summary>Enough calls for the JIT's tiers and the pools to settle, few enough to keep each case well under a second on the CPU path.</summary>
    public static readonly AllocationProbeOptions Options = new() { WarmupCalls = 30, MeasuredCalls = 20, TimeLimit = TimeSpan.FromSeconds(10) };

    /// <summary>Kernels on the ILGPU CPU accelerator take milliseconds a launch: fewer calls.</summary>
    public static readonly AllocationProbeOptions AcceleratorOptions = new() { WarmupCalls = 20, MeasuredCalls = 10, TimeLimit = TimeSpan.FromSeconds(10) };

    public static DagSpec Parse(string json)
    {
        var problems = DagValidator.ReadAndValidate(json, Catalog, Transports.All, out var spec);
        if (problems.Count > 0) throw new ArgumentException($"the test spec is not valid:\n  {string.Join("\n  ", problems)}\n{json}");
        return spec;
    }

    /// <summary>A chain n0 -> n1 -> ...: each node is the JSON of a node without its id (<c>{"op": "scale", "args": {...}}</c>).</summary>
    public static string Chain(int batch, params string[] nodes)
    {
        var json = new StringBuilder();
        json.Append("{ \"defaults\": { \"batch\": ").Append(batch).Append(" }, \"nodes\": [");
        for (var i = 0; i < nodes.Length; i++)
        {
            if (i > 0) json.Append(',');
            json.Append("{ \"id\": \"n").Append(i).Append("\", ").Append(nodes[i].Trim().TrimStart('{'));
        }
        json.Append("], \"edges\": [");
        for (var i = 1; i < nodes.Length; i++)
        {
            if (i > 1) json.Append(',');
            json.Append("{ \"from\": \"n").Append(i - 1).Append("\", \"to\": \"n").Append(i).Append("\" }");
        }
        return json.Append("] }").ToString();
    }

    public static AllocationReport Measure(string json, AllocationProbeOptions? options = null) =>
        new AllocationProbe(Catalog).Measure(Parse(json), options ?? Options);

    /// <summary>A path as a JSON string literal.</summary>
    public static string JsonPath(string path) => JsonSerializer.Serialize(path);

    /// <summary>Every row, for assertion messages.</summary>
    public static string Describe(AllocationReport report)
    {
        var text = new StringWriter();
        AllocationReportWriter.WriteTable(text, report);
        return text.ToString();
    }
}
