using System.Text.Json;

namespace Dagger.Orleans.Spec;

/// <summary>
/// Reads CONTRACT §1 JSON into a <see cref="DagSpec"/>. It reports every structural problem it finds
/// (unknown fields, wrong types) instead of stopping at the first, and still returns what it could read,
/// so <see cref="DagValidator"/> can add the semantic problems of the same spec.
/// </summary>
public static class DagSpecReader
{
    private static readonly string[] TopLevelFields = ["name", "defaults", "nodes", "edges"];
    private static readonly string[] DefaultsFields = ["transport", "batch"];
    private static readonly string[] NodeFields = ["id", "op", "args", "device", "max_evals"];
    private static readonly string[] EdgeFields = ["from", "to", "port", "transport"];

    /// <summary>Comments and trailing commas are allowed, in the whole spec and so also inside "args".</summary>
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static DagSpec Read(string json, List<string> problems)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Lenient);
        }
        catch (JsonException e)
        {
            problems.Add($"spec: not valid JSON: {e.Message}");
            return new DagSpec();
        }
        using (document)
        {
            return ReadRoot(document.RootElement, problems);
        }
    }

    /// <summary>Reads a spec and throws <see cref="DagSpecException"/> listing every problem when there are any.</summary>
    public static DagSpec ReadOrThrow(string json)
    {
        var problems = new List<string>();
        var spec = Read(json, problems);
        if (problems.Count > 0) throw new DagSpecException(problems);
        return spec;
    }

    private static DagSpec ReadRoot(JsonElement root, List<string> problems)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"spec: the top level must be a JSON object, not {Describe(root)}");
            return new DagSpec();
        }
        ReportUnknownFields(root, TopLevelFields, "spec", problems);

        string? name = null;
        if (TryGetOptional(root, "name", out var nameElement)) name = ReadString(nameElement, "name", problems);

        string? transport = null;
        int? batch = null;
        if (TryGetOptional(root, "defaults", out var defaults))
        {
            if (defaults.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"defaults: must be an object, not {Describe(defaults)}");
            }
            else
            {
                ReportUnknownFields(defaults, DefaultsFields, "defaults", problems);
                if (TryGetOptional(defaults, "transport", out var t)) transport = ReadString(t, "defaults.transport", problems);
                if (TryGetOptional(defaults, "batch", out var b)) batch = ReadInt(b, "defaults.batch", problems);
            }
        }

        var nodes = new List<NodeSpec>();
        if (!root.TryGetProperty("nodes", out var nodesElement))
        {
            problems.Add("nodes: missing (a spec needs a \"nodes\" array)");
        }
        else if (nodesElement.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"nodes: must be an array, not {Describe(nodesElement)}");
        }
        else
        {
            var i = 0;
            foreach (var element in nodesElement.EnumerateArray())
            {
                var node = ReadNode(element, i++, problems);
                if (node is not null) nodes.Add(node);
            }
        }

        var edges = new List<EdgeSpec>();
        if (TryGetOptional(root, "edges", out var edgesElement))
        {
            if (edgesElement.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"edges: must be an array, not {Describe(edgesElement)}");
            }
            else
            {
                var i = 0;
                foreach (var element in edgesElement.EnumerateArray())
                {
                    var edge = ReadEdge(element, i++, problems);
                    if (edge is not null) edges.Add(edge);
                }
            }
        }

        return new DagSpec { Name = name, DefaultTransportName = transport, Batch = batch, Nodes = nodes, Edges = edges };
    }

    private static NodeSpec? ReadNode(JsonElement element, int index, List<string> problems)
    {
        var where = $"nodes[{index}]";
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{where}: a node must be an object, not {Describe(element)}");
            return null;
        }
        string? id = null;
        if (element.TryGetProperty("id", out var idElement)) id = ReadString(idElement, $"{where}.id", problems);
        else problems.Add($"{where}: missing field 'id'");
        if (id is not null) where = $"node '{id}'";
        ReportUnknownFields(element, NodeFields, where, problems);

        string? op = null;
        if (element.TryGetProperty("op", out var opElement)) op = ReadString(opElement, $"{where}: field 'op'", problems);
        else problems.Add($"{where}: missing field 'op'");

        var args = "{}";
        if (TryGetOptional(element, "args", out var argsElement))
        {
            if (argsElement.ValueKind == JsonValueKind.Object)
            {
                ReportDuplicateFields(argsElement, $"{where}: args", problems);
                args = argsElement.GetRawText();
            }
            else if (argsElement.ValueKind != JsonValueKind.Null) problems.Add($"{where}: field 'args' must be an object, not {Describe(argsElement)}");
        }

        string? device = null;
        if (TryGetOptional(element, "device", out var deviceElement)) device = ReadString(deviceElement, $"{where}: field 'device'", problems);

        long? maxEvals = null;
        if (TryGetOptional(element, "max_evals", out var maxElement))
        {
            if (JsonIntegers.TryGet(maxElement, out var m)) maxEvals = m;
            else problems.Add($"{where}: field 'max_evals' must be a positive integer, not {Describe(maxElement)}");
        }

        if (id is null || op is null) return null;
        return new NodeSpec { Id = id, Op = op, ArgsJson = Canonical(args), Device = device, MaxEvals = maxEvals };
    }

    private static EdgeSpec? ReadEdge(JsonElement element, int index, List<string> problems)
    {
        var where = $"edges[{index}]";
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{where}: an edge must be an object, not {Describe(element)}");
            return null;
        }
        string? from = null, to = null, transport = null;
        if (element.TryGetProperty("from", out var f)) from = ReadString(f, $"{where}: field 'from'", problems);
        else problems.Add($"{where}: missing field 'from'");
        if (element.TryGetProperty("to", out var t)) to = ReadString(t, $"{where}: field 'to'", problems);
        else problems.Add($"{where}: missing field 'to'");
        if (from is not null && to is not null) where = $"edge {index} ({from} -> {to})";
        ReportUnknownFields(element, EdgeFields, where, problems);

        var port = 0;
        if (TryGetOptional(element, "port", out var p)) port = ReadInt(p, $"{where}: field 'port'", problems) ?? 0;
        if (TryGetOptional(element, "transport", out var tr)) transport = ReadString(tr, $"{where}: field 'transport'", problems);

        if (from is null || to is null) return null;
        return new EdgeSpec { From = from, To = to, Port = port, Transport = transport };
    }

    /// <summary>An optional field: absent and <c>null</c> mean the same (writers that serialise every property emit nulls).</summary>
    private static bool TryGetOptional(JsonElement element, string name, out JsonElement value) =>
        element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static void ReportUnknownFields(JsonElement element, string[] known, string where, List<string> problems)
    {
        ReportDuplicateFields(element, where, problems);
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
                problems.Add($"{where}: unknown field '{property.Name}' (known fields: {string.Join(", ", known)})");
        }
    }

    /// <summary>JSON readers keep the last of two equal keys; a spec that says a thing twice is more likely a mistake than a wish.</summary>
    private static void ReportDuplicateFields(JsonElement element, string where, List<string> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
                problems.Add($"{where}: field '{property.Name}' appears more than once");
        }
    }

    private static string? ReadString(JsonElement element, string where, List<string> problems)
    {
        if (element.ValueKind == JsonValueKind.String) return element.GetString();
        problems.Add($"{where}: must be a string, not {Describe(element)}");
        return null;
    }

    private static int? ReadInt(JsonElement element, string where, List<string> problems)
    {
        if (JsonIntegers.TryGetInt32(element, out var value)) return value;
        problems.Add($"{where}: must be an integer, not {Describe(element)}");
        return null;
    }

    internal static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{element.GetString()}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {element.GetRawText()}",
        _ => "null",
    };

    private static string Canonical(string json) =>
        System.Text.Json.Nodes.JsonNode.Parse(json, documentOptions: Lenient)!.ToJsonString();
}

/// <summary>Thrown when a spec has problems; <see cref="Problems"/> lists every one, each naming the node, edge or field.</summary>
public sealed class DagSpecException(IReadOnlyList<string> problems)
    : Exception("invalid DAG spec:\n" + string.Join("\n", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
