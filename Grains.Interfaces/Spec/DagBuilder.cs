using System.Text.Json.Nodes;

namespace Dagger.Orleans.Spec;

/// <summary>
/// Builds a <see cref="DagSpec"/> in code; the result is the same record the JSON reader gives for the same DAG.
/// <code>
/// var spec = new DagBuilder("diamond")
///     .Node("src", "range", new { count = 1000 })
///     .Node("a", "scale", new { factor = 2 }).Edge("src", "a")
///     .Build();
/// </code>
/// </summary>
public sealed class DagBuilder(string? name = null)
{
    private readonly List<NodeSpec> _nodes = [];
    private readonly List<EdgeSpec> _edges = [];
    private string? _transport;
    private int? _batch;

    public DagBuilder Defaults(string? transport = null, int? batch = null)
    {
        _transport = transport;
        _batch = batch;
        return this;
    }

    /// <param name="args">An anonymous object, a dictionary or a <see cref="JsonObject"/> of operator arguments.</param>
    public DagBuilder Node(string id, string op, object? args = null, string? device = null, long? maxEvals = null)
    {
        var json = args switch
        {
            null => "{}",
            JsonObject o => o.ToJsonString(),
            string s => JsonNode.Parse(s)!.ToJsonString(),
            _ => System.Text.Json.JsonSerializer.SerializeToNode(args)!.ToJsonString(),
        };
        _nodes.Add(new NodeSpec { Id = id, Op = op, ArgsJson = json, Device = device, MaxEvals = maxEvals });
        return this;
    }

    public DagBuilder Edge(string from, string to, int port = 0, string? transport = null)
    {
        _edges.Add(new EdgeSpec { From = from, To = to, Port = port, Transport = transport });
        return this;
    }

    public DagSpec Build() => new()
    {
        Name = name,
        DefaultTransportName = _transport,
        Batch = _batch,
        Nodes = _nodes.ToArray(),
        Edges = _edges.ToArray(),
    };
}
