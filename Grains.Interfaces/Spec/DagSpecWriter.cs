using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dagger.Orleans.Spec;

/// <summary>Writes a <see cref="DagSpec"/> back as CONTRACT §1 JSON, leaving out fields that hold their defaults.</summary>
public static class DagSpecWriter
{
    public static string Write(DagSpec spec, bool indented = false)
    {
        var root = new JsonObject();
        if (spec.Name is not null) root["name"] = spec.Name;
        if (spec.DefaultTransportName is not null || spec.Batch is not null)
        {
            var defaults = new JsonObject();
            if (spec.DefaultTransportName is not null) defaults["transport"] = spec.DefaultTransportName;
            if (spec.Batch is not null) defaults["batch"] = spec.Batch;
            root["defaults"] = defaults;
        }
        var nodes = new JsonArray();
        foreach (var n in spec.Nodes)
        {
            var node = new JsonObject { ["id"] = n.Id, ["op"] = n.Op };
            var args = n.ParseArgs();
            if (args.Count > 0) node["args"] = args;
            if (n.Device is not null) node["device"] = n.Device;
            if (n.MaxEvals is not null) node["max_evals"] = n.MaxEvals;
            nodes.Add(node);
        }
        root["nodes"] = nodes;
        var edges = new JsonArray();
        foreach (var e in spec.Edges)
        {
            var edge = new JsonObject { ["from"] = e.From, ["to"] = e.To };
            if (e.Port != 0) edge["port"] = e.Port;
            if (e.Transport is not null) edge["transport"] = e.Transport;
            edges.Add(edge);
        }
        root["edges"] = edges;
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = indented });
    }
}
