using System.Text.Json;
using System.Text.RegularExpressions;
using Dagger.Orleans.Operators;

namespace Dagger.Orleans.Spec;

/// <summary>
/// The CONTRACT §1 rules. Reports every problem, one string each, naming the node, edge or field,
/// so a user fixes a spec in one pass.
/// </summary>
public static partial class DagValidator
{
    // \z, not $: "$" also matches before a final newline, which would let "id\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}\z")]
    private static partial Regex IdPattern();

    /// <param name="configuredTransports">The transports the target cluster has; a spec naming another is refused.</param>
    /// <param name="limits">How big the spec may be; null: <see cref="SpecLimits.Default"/>.</param>
    /// <param name="files">Where file arguments may point; null: anywhere this process can read (a user's own machine).</param>
    public static List<string> Validate(DagSpec spec, IOperatorCatalog catalog, IReadOnlyCollection<string> configuredTransports,
        SpecLimits? limits = null, FileAccessPolicy? files = null)
    {
        limits ??= SpecLimits.Default;
        var problems = new List<string>();
        // A spec that arrived as a wire object (not from JSON) may hold nulls where the JSON reader never puts them.
        spec = SpecShape.WithoutNulls(spec, problems);
        if (!ValidateSizes(spec, limits, problems)) return problems;
        ValidateDefaults(spec, configuredTransports, limits, problems);
        var nodes = ValidateNodes(spec, catalog, limits, files, problems);
        var (inputs, outputs) = ValidateEdges(spec, nodes, configuredTransports, limits, problems);
        ValidateConnections(spec, catalog, inputs, outputs, limits, problems);
        ValidateAcyclic(spec, nodes, outputs, problems);
        return problems;
    }

    /// <summary>Reads and validates; the problems of both stages together.</summary>
    public static List<string> ReadAndValidate(string json, IOperatorCatalog catalog, IReadOnlyCollection<string> configuredTransports, out DagSpec spec,
        SpecLimits? limits = null, FileAccessPolicy? files = null)
    {
        var problems = new List<string>();
        var read = DagSpecReader.TryRead(json, problems, limits);
        spec = read ?? new DagSpec();
        // Text that is no spec has no nodes to count: "a DAG needs at least one node" would only be noise.
        if (read is not null) problems.AddRange(Validate(spec, catalog, configuredTransports, limits, files));
        return problems;
    }

    /// <summary>Node and edge counts: past them nothing else is checked, so an oversized spec costs no more than counting it.</summary>
    private static bool ValidateSizes(DagSpec spec, SpecLimits limits, List<string> problems)
    {
        if (spec.Nodes.Count > limits.MaxNodes)
            problems.Add($"nodes: {spec.Nodes.Count} nodes is more than the limit of {limits.MaxNodes} (MaxNodes)");
        if (spec.Edges.Count > limits.MaxEdges)
            problems.Add($"edges: {spec.Edges.Count} edges is more than the limit of {limits.MaxEdges} (MaxEdges)");
        if (spec.Name is { } name && name.Length > limits.MaxNameLength)
            problems.Add($"name: '{SpecLimits.Quote(name)}' is longer than the limit of {limits.MaxNameLength} characters (MaxNameLength)");
        return spec.Nodes.Count <= limits.MaxNodes && spec.Edges.Count <= limits.MaxEdges;
    }

    private static void ValidateDefaults(DagSpec spec, IReadOnlyCollection<string> configured, SpecLimits limits, List<string> problems)
    {
        if (spec.Batch is { } batch)
        {
            if (batch <= 0) problems.Add($"defaults.batch: must be a positive integer (got {batch})");
            else if (batch > limits.MaxBatch) problems.Add($"defaults.batch: {batch} elements is more than the limit of {limits.MaxBatch} (MaxBatch)");
            else if (8L * batch > limits.MaxBatchBytes)
                problems.Add($"defaults.batch: {batch} elements is {8L * batch} bytes at 8 bytes an element, more than the limit of {limits.MaxBatchBytes} bytes (MaxBatchBytes)");
        }
        if (spec.DefaultTransportName is { } t && TransportProblem(t, configured) is { } problem)
            problems.Add("defaults.transport" + problem);
    }

    private static Dictionary<string, NodeSpec> ValidateNodes(DagSpec spec, IOperatorCatalog catalog, SpecLimits limits, FileAccessPolicy? files, List<string> problems)
    {
        var nodes = new Dictionary<string, NodeSpec>(StringComparer.Ordinal);
        if (spec.Nodes.Count == 0) problems.Add("nodes: a DAG needs at least one node");
        for (var i = 0; i < spec.Nodes.Count; i++)
        {
            var node = spec.Nodes[i];
            var where = NodeName(node);
            if (!IdPattern().IsMatch(node.Id))
                problems.Add($"nodes[{i}]: id '{Quote(node.Id)}' is not valid (1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-')");
            if (!nodes.TryAdd(node.Id, node))
                problems.Add($"{where}: duplicate id (nodes[{i}] repeats an earlier node's id)");
            if (node.MaxEvals is { } m && m <= 0)
                problems.Add($"{where}: max_evals must be a positive integer (got {m})");
            if (node.Device is { } d && !Devices.All.Contains(d))
                problems.Add($"{where}: device '{Quote(d)}' is not one of {string.Join(", ", Devices.All)}");
            if (node.Op.Length > limits.MaxNameLength)
            {
                problems.Add($"{where}: operator name '{Quote(node.Op)}' is longer than the limit of {limits.MaxNameLength} characters (MaxNameLength)");
                continue;
            }
            if (!catalog.TryGet(node.Op, out var op))
            {
                problems.Add($"{where}: unknown operator '{Quote(node.Op)}'{Suggest(node.Op, catalog)}");
                continue;
            }
            if (node.ArgsJson.Length > limits.MaxArgsBytes || System.Text.Encoding.UTF8.GetByteCount(node.ArgsJson) > limits.MaxArgsBytes)
            {
                problems.Add($"{where}: args are {System.Text.Encoding.UTF8.GetByteCount(node.ArgsJson)} bytes of JSON, more than the limit of {limits.MaxArgsBytes} (MaxArgsBytes)");
                continue;
            }
            ValidateArgs(node, op, limits, files, problems);
        }
        return nodes;
    }

    private static void ValidateArgs(NodeSpec node, OperatorDescriptor op, SpecLimits limits, FileAccessPolicy? files, List<string> problems)
    {
        var where = NodeName(node);
        JsonDocument args;
        try
        {
            args = JsonDocument.Parse(node.ArgsJson, new JsonDocumentOptions { MaxDepth = limits.MaxDepth });
        }
        catch (JsonException e)
        {
            problems.Add($"{where}: args are not valid JSON: {e.Message}");
            return;
        }
        using (args)
        {
            if (args.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{where}: args must be an object, not {DagSpecReader.Describe(args.RootElement)}");
                return;
            }
            foreach (var property in args.RootElement.EnumerateObject())
            {
                var arg = op.Args.FirstOrDefault(a => a.Name == property.Name);
                if (arg is null)
                {
                    var known = op.Args.Count == 0 ? "it takes no arguments" : "its arguments: " + string.Join(", ", op.Args.Select(a => a.Name));
                    problems.Add($"{where}: unknown argument '{Quote(property.Name)}' for operator '{op.Name}' ({known})");
                    continue;
                }
                ValidateArg(where, op, arg, property.Value, files, problems);
            }
            foreach (var arg in op.Args)
            {
                if (arg.Required && !args.RootElement.TryGetProperty(arg.Name, out _))
                    problems.Add($"{where}: operator '{op.Name}' needs argument '{arg.Name}' ({arg.Description})");
            }
        }
    }

    private static void ValidateArg(string where, OperatorDescriptor op, ArgDescriptor arg, JsonElement value, FileAccessPolicy? files, List<string> problems)
    {
        var ok = arg.Kind switch
        {
            ArgKind.Number => value.ValueKind == JsonValueKind.Number,
            ArgKind.Integer => JsonIntegers.TryGet(value, out _),
            ArgKind.String => value.ValueKind == JsonValueKind.String,
            ArgKind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            _ => false,
        };
        if (!ok)
        {
            problems.Add($"{where}: argument '{arg.Name}' of operator '{op.Name}' must be {KindText(arg.Kind)}, not {DagSpecReader.Describe(value)}");
            return;
        }
        if (value.ValueKind == JsonValueKind.Number)
        {
            // 1e400 is a JSON number but no double: it would overflow to infinity where the operator reads it.
            if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
            {
                problems.Add($"{where}: argument '{arg.Name}' of operator '{op.Name}' must be a finite number, not {DagSpecReader.Describe(value)}");
                return;
            }
            if (arg.Minimum is { } minimum && number < minimum)
                problems.Add($"{where}: argument '{arg.Name}' of operator '{op.Name}' must be at least {minimum.ToString(System.Globalization.CultureInfo.InvariantCulture)}, not {Quote(value.GetRawText())}");
            if (arg.Maximum is { } maximum && number > maximum)
                problems.Add($"{where}: argument '{arg.Name}' of operator '{op.Name}' must be at most {maximum.ToString(System.Globalization.CultureInfo.InvariantCulture)}, not {Quote(value.GetRawText())}");
        }
        if (arg.Allowed is { } allowed && !allowed.Contains(value.GetString()!))
            problems.Add($"{where}: argument '{arg.Name}' of operator '{op.Name}' must be one of {string.Join(", ", allowed)}, not \"{Quote(value.GetString())}\"");
        if (arg.IsFile && files is not null && !files.Allows(value.GetString()!))
            problems.Add($"{where}: argument '{arg.Name}' of operator '{op.Name}': {files.Refusal(value.GetString()!)}");
    }

    private static (Dictionary<string, List<EdgeSpec>> Inputs, Dictionary<string, List<EdgeSpec>> Outputs) ValidateEdges(
        DagSpec spec, Dictionary<string, NodeSpec> nodes, IReadOnlyCollection<string> configured, SpecLimits limits, List<string> problems)
    {
        var inputs = new Dictionary<string, List<EdgeSpec>>(StringComparer.Ordinal);
        var outputs = new Dictionary<string, List<EdgeSpec>>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Edges.Count; i++)
        {
            var edge = spec.Edges[i];
            var known = true;
            if (!nodes.ContainsKey(edge.From)) { problems.Add($"{EdgeName(i, edge)}: 'from' names no node: '{Quote(edge.From)}'"); known = false; }
            if (!nodes.ContainsKey(edge.To)) { problems.Add($"{EdgeName(i, edge)}: 'to' names no node: '{Quote(edge.To)}'"); known = false; }
            if (edge.Port < 0) problems.Add($"{EdgeName(i, edge)}: port must be 0 or more (got {edge.Port})");
            else if (edge.Port >= limits.MaxEdgesPerNode) problems.Add($"{EdgeName(i, edge)}: port {edge.Port} is more than a node can have (at most {limits.MaxEdgesPerNode} inputs, MaxEdgesPerNode)");
            if (edge.Transport is { } t && TransportProblem(t, configured) is { } problem) problems.Add($"{EdgeName(i, edge)}: transport{problem}");
            if (!known) continue;
            (inputs.TryGetValue(edge.To, out var ins) ? ins : inputs[edge.To] = []).Add(edge);
            (outputs.TryGetValue(edge.From, out var outs) ? outs : outputs[edge.From] = []).Add(edge);
        }
        return (inputs, outputs);
    }

    private static void ValidateConnections(DagSpec spec, IOperatorCatalog catalog,
        Dictionary<string, List<EdgeSpec>> inputs, Dictionary<string, List<EdgeSpec>> outputs, SpecLimits limits, List<string> problems)
    {
        foreach (var node in spec.Nodes)
        {
            var ins = inputs.GetValueOrDefault(node.Id) ?? [];
            var outs = outputs.GetValueOrDefault(node.Id) ?? [];
            var where = NodeName(node);
            if (ins.Count > limits.MaxEdgesPerNode)
                problems.Add($"{where}: {ins.Count} edges lead into it, more than the limit of {limits.MaxEdgesPerNode} (MaxEdgesPerNode)");
            if (outs.Count > limits.MaxEdgesPerNode)
                problems.Add($"{where}: {outs.Count} edges leave it, more than the limit of {limits.MaxEdgesPerNode} (MaxEdgesPerNode)");
            if (ins.Count > limits.MaxEdgesPerNode || outs.Count > limits.MaxEdgesPerNode) continue;
            if (catalog.TryGet(node.Op, out var op))
            {
                if (op.IsSource && ins.Count > 0)
                    problems.Add($"{where}: operator '{op.Name}' is a source and takes no inputs, but {ins.Count} edge(s) lead into it");
                else if (ins.Count < op.MinInputs || ins.Count > op.MaxInputs)
                    problems.Add($"{where}: operator '{op.Name}' takes {op.ArityText}, but {ins.Count} edge(s) lead into it");
                if (op.IsSink && outs.Count > 0)
                    problems.Add($"{where}: operator '{op.Name}' is a sink and has no outputs, but {outs.Count} edge(s) leave it");
                if (!op.IsSink && outs.Count == 0)
                    problems.Add($"{where}: operator '{op.Name}' produces output but no edge leaves it (connect it to a sink such as 'collect')");
            }
            var ports = new HashSet<int>();
            foreach (var edge in ins)
            {
                if (!ports.Add(edge.Port))
                    problems.Add($"{where}: input port {edge.Port} is fed by more than one edge (give each edge into '{Quote(node.Id)}' its own \"port\")");
            }
            for (var p = 0; p < ins.Count; p++)
            {
                if (!ports.Contains(p))
                {
                    problems.Add($"{where}: input ports must be 0..{ins.Count - 1} without gaps, but port {p} has no edge (ports used: {string.Join(", ", ports.Order())})");
                    break;
                }
            }
        }
    }

    private static void ValidateAcyclic(DagSpec spec, Dictionary<string, NodeSpec> nodes, Dictionary<string, List<EdgeSpec>> outputs, List<string> problems)
    {
        // Iterative three-colour DFS: white = unseen, grey = on the current path, black = done.
        var colour = new Dictionary<string, int>(StringComparer.Ordinal);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in spec.Nodes.Select(n => n.Id).Distinct())
        {
            if (colour.GetValueOrDefault(start) != 0) continue;
            var path = new List<string>();
            var stack = new Stack<(string Node, int Next)>();
            stack.Push((start, 0));
            colour[start] = 1;
            path.Add(start);
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                var outs = outputs.GetValueOrDefault(node);
                if (outs is not null && next < outs.Count)
                {
                    stack.Push((node, next + 1));
                    var to = outs[next].To;
                    var c = colour.GetValueOrDefault(to);
                    if (c == 1)
                    {
                        var cycle = path.Skip(path.IndexOf(to)).Append(to).ToList();
                        var key = string.Join(",", cycle.Skip(1).Order());
                        if (reported.Add(key))
                            problems.Add($"cycle: {string.Join(" -> ", cycle.Select(Quote))} (a DAG has no cycles)");
                    }
                    else if (c == 0 && nodes.ContainsKey(to))
                    {
                        colour[to] = 1;
                        path.Add(to);
                        stack.Push((to, 0));
                    }
                    continue;
                }
                colour[node] = 2;
                path.RemoveAt(path.Count - 1);
            }
        }
    }

    // Named only when there is a problem to name: a valid spec's edges cost no strings.
    private static string EdgeName(int index, EdgeSpec edge) => $"edge {index} ({Quote(edge.From)} -> {Quote(edge.To)})";

    private static string NodeName(NodeSpec node) => $"node '{Quote(node.Id)}'";

    private static string Quote(string? value) => SpecLimits.Quote(value);

    /// <summary>What is wrong with <paramref name="transport"/>, to follow the field's name; null when nothing is.</summary>
    private static string? TransportProblem(string transport, IReadOnlyCollection<string> configured)
    {
        if (!Transports.All.Contains(transport))
            return $": unknown transport '{Quote(transport)}' (one of {string.Join(", ", Transports.All)})";
        if (!configured.Contains(transport))
            return $": transport '{transport}' is not configured on this cluster (configured: {string.Join(", ", configured)})";
        return null;
    }

    private static string KindText(ArgKind kind) => kind switch
    {
        ArgKind.Number => "a number",
        ArgKind.Integer => "an integer",
        ArgKind.String => "a string",
        _ => "true or false",
    };

    private static string Suggest(string op, IOperatorCatalog catalog)
    {
        // Edit distance costs length squared: a name far longer than any operator's is no typo of one.
        if (op.Length > 2 * SpecLimits.QuoteLength) return "";
        var best = catalog.All.Select(d => d.Name).MinBy(n => Distance(n, op));
        return best is not null && Distance(best, op) <= 2 ? $" (did you mean '{best}'?)" : $" (known operators: {string.Join(", ", catalog.All.Select(d => d.Name).Order())})";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
