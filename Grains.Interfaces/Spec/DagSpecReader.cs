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

    /// <summary>
    /// Strict JSON (no trailing commas; duplicate keys are reported below), nested at most as deep as the limits allow.
    /// Comments are skipped: they are how people annotate the specs they keep.
    /// </summary>
    private static JsonDocumentOptions StrictOptions(SpecLimits limits) =>
        new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false, MaxDepth = limits.MaxDepth };

    /// <param name="limits">The limits to read under (spec size, nesting, integer ranges); null: <see cref="SpecLimits.Default"/>.</param>
    public static DagSpec Read(string json, List<string> problems, SpecLimits? limits = null) =>
        TryRead(json, problems, limits) ?? new DagSpec();

    /// <summary>The spec, or null when the text is not one at all (too big, not JSON): then there is nothing to validate.</summary>
    internal static DagSpec? TryRead(string json, List<string> problems, SpecLimits? limits)
    {
        limits ??= SpecLimits.Default;
        // Counted before parsing: a huge text is refused without building a document for it.
        if (json.Length > limits.MaxSpecBytes || System.Text.Encoding.UTF8.GetByteCount(json) > limits.MaxSpecBytes)
        {
            problems.Add($"spec: {System.Text.Encoding.UTF8.GetByteCount(json)} bytes is more than the limit of {limits.MaxSpecBytes} bytes (MaxSpecBytes)");
            return null;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, StrictOptions(limits));
        }
        catch (JsonException e)
        {
            problems.Add($"spec: not valid JSON: {JsonErrorText(e, limits)}");
            return null;
        }
        using (document)
        {
            if (UnreadableText(document.RootElement, "spec") is { } unreadable)
            {
                problems.Add(unreadable);
                return null;
            }
            return ReadRoot(document.RootElement, problems, limits);
        }
    }

    /// <summary>
    /// JSON may escape half of a UTF-16 pair (<c>"\ud800"</c>), which no string can hold: reading one throws. Found
    /// first, in every name and string value, so the rest of the reader reads only text that reads.
    /// </summary>
    private static string? UnreadableText(JsonElement element, string where)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    element.GetString();
                    break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (UnreadableText(property.Value, $"{where}.{SpecLimits.Quote(property.Name)}") is { } problem) return problem;
                    }
                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        if (UnreadableText(item, $"{where}[{i++}]") is { } problem) return problem;
                    }
                    break;
            }
            return null;
        }
        catch (InvalidOperationException e)
        {
            return $"{where}: not valid text: {e.Message}";
        }
    }

    /// <summary>The parser's message in the user's terms: where, and what to change in the spec (not "the reader options").</summary>
    private static string JsonErrorText(JsonException e, SpecLimits limits)
    {
        var at = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
        if (e.Message.Contains("trailing comma", StringComparison.OrdinalIgnoreCase)) return $"a trailing comma{at}: JSON allows no comma before a closing ']' or '}}'";
        if (e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)) return $"objects and arrays nest deeper than the limit of {limits.MaxDepth} (MaxDepth){at}";
        // The parser quotes the offending text whole ("'…' is invalid after a value"); a message quotes 64 characters at most.
        var message = e.Message;
        var first = message.IndexOf('\'');
        var last = message.LastIndexOf('\'');
        return last - first - 1 > SpecLimits.QuoteLength
            ? message[..(first + 1)] + SpecLimits.Quote(message[(first + 1)..last]) + message[last..]
            : message;
    }

    /// <summary>Reads a spec and throws <see cref="DagSpecException"/> listing every problem when there are any.</summary>
    public static DagSpec ReadOrThrow(string json, SpecLimits? limits = null)
    {
        var problems = new List<string>();
        var spec = Read(json, problems, limits);
        if (problems.Count > 0) throw new DagSpecException(problems);
        return spec;
    }

    private static DagSpec ReadRoot(JsonElement root, List<string> problems, SpecLimits limits)
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
                if (TryGetOptional(defaults, "batch", out var b)) batch = ReadBatch(b, limits, problems);
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
                var node = ReadNode(element, i++, problems, limits);
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
                    var edge = ReadEdge(element, i++, problems, limits);
                    if (edge is not null) edges.Add(edge);
                }
            }
        }

        return new DagSpec { Name = name, DefaultTransportName = transport, Batch = batch, Nodes = nodes, Edges = edges };
    }

    private static NodeSpec? ReadNode(JsonElement element, int index, List<string> problems, SpecLimits limits)
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
        if (id is not null) where = $"node '{SpecLimits.Quote(id)}'";
        ReportUnknownFields(element, NodeFields, where, problems);

        string? op = null;
        if (element.TryGetProperty("op", out var opElement)) op = ReadString(opElement, $"{where}: field 'op'", problems);
        else problems.Add($"{where}: missing field 'op'");

        var args = "{}";
        if (TryGetOptional(element, "args", out var argsElement))
        {
            if (argsElement.ValueKind == JsonValueKind.Object)
            {
                // A duplicate key anywhere in args is reported, and such args are not kept: which of the two was meant is unknown.
                if (!ReportDuplicateFieldsDeep(argsElement, $"{where}: args", problems)) args = argsElement.GetRawText();
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

    private static EdgeSpec? ReadEdge(JsonElement element, int index, List<string> problems, SpecLimits limits)
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
        if (from is not null && to is not null) where = $"edge {index} ({SpecLimits.Quote(from)} -> {SpecLimits.Quote(to)})";
        ReportUnknownFields(element, EdgeFields, where, problems);

        var port = 0;
        if (TryGetOptional(element, "port", out var p)) port = ReadPort(p, $"{where}: field 'port'", limits, problems) ?? 0;
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
                problems.Add($"{where}: unknown field '{SpecLimits.Quote(property.Name)}' (known fields: {string.Join(", ", known)})");
        }
    }

    /// <summary>JSON readers keep the last of two equal keys; a spec that says a thing twice is more likely a mistake than a wish.</summary>
    private static bool ReportDuplicateFields(JsonElement element, string where, List<string> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = false;
        foreach (var property in element.EnumerateObject())
        {
            if (seen.Add(property.Name)) continue;
            problems.Add($"{where}: field '{SpecLimits.Quote(property.Name)}' appears more than once");
            found = true;
        }
        return found;
    }

    /// <summary>Duplicate keys in <paramref name="element"/> and in every object inside it; true when there is any.</summary>
    private static bool ReportDuplicateFieldsDeep(JsonElement element, string where, List<string> problems)
    {
        var found = false;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                found = ReportDuplicateFields(element, where, problems);
                foreach (var property in element.EnumerateObject())
                    found |= ReportDuplicateFieldsDeep(property.Value, $"{where}.{SpecLimits.Quote(property.Name)}", problems);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) found |= ReportDuplicateFieldsDeep(item, $"{where}[{i++}]", problems);
                break;
        }
        return found;
    }

    private static string? ReadString(JsonElement element, string where, List<string> problems)
    {
        if (element.ValueKind == JsonValueKind.String) return element.GetString();
        problems.Add($"{where}: must be a string, not {Describe(element)}");
        return null;
    }

    /// <summary><c>defaults.batch</c>: an integer; one past 32 bits is named as over the limit, not as "not an integer".</summary>
    private static int? ReadBatch(JsonElement element, SpecLimits limits, List<string> problems)
    {
        if (JsonIntegers.TryGetInt32(element, out var value)) return value;
        if (JsonIntegers.TryGet(element, out var wide) && wide > 0)
            problems.Add($"defaults.batch: {wide} elements is more than the limit of {limits.MaxBatch} (MaxBatch)");
        else
            problems.Add($"defaults.batch: must be an integer, not {Describe(element)}");
        return null;
    }

    private static int? ReadPort(JsonElement element, string where, SpecLimits limits, List<string> problems)
    {
        if (JsonIntegers.TryGetInt32(element, out var value)) return value;
        problems.Add(JsonIntegers.TryGet(element, out var wide)
            ? $"{where}: port {wide} is more than a node can have (at most {limits.MaxEdgesPerNode} inputs, MaxEdgesPerNode)"
            : $"{where}: must be an integer, not {Describe(element)}");
        return null;
    }

    internal static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{SpecLimits.Quote(element.GetString())}\"",
        JsonValueKind.Number => $"the number {SpecLimits.Quote(element.GetRawText())}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {element.GetRawText()}",
        _ => "null",
    };

    private static string Canonical(string json) =>
        System.Text.Json.Nodes.JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 })!.ToJsonString();
}

/// <summary>Thrown when a spec has problems; <see cref="Problems"/> lists every one, each naming the node, edge or field.</summary>
public sealed class DagSpecException(IReadOnlyList<string> problems)
    : Exception("invalid DAG spec:\n" + string.Join("\n", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
