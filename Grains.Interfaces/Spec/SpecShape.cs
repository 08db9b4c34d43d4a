namespace Dagger.Orleans.Spec;

/// <summary>
/// A <see cref="DagSpec"/> that came over the wire from a client rather than from <see cref="DagSpecReader"/> can hold
/// nulls the reader never produces (a node without an id, a null list). They are problems of the spec, named as such,
/// not a <see cref="NullReferenceException"/> in the silo that validates it.
/// </summary>
internal static class SpecShape
{
    public static DagSpec WithoutNulls(DagSpec spec, List<string> problems)
    {
        var nodes = spec.Nodes ?? [];
        var edges = spec.Edges ?? [];
        if (spec.Nodes is not null && spec.Edges is not null && nodes.All(IsWhole) && edges.All(IsWhole)) return spec;
        if (spec.Nodes is null) problems.Add("nodes: missing (a spec needs a \"nodes\" array)");
        var wholeNodes = new List<NodeSpec>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (IsWhole(nodes[i])) wholeNodes.Add(nodes[i]);
            else problems.Add($"nodes[{i}]: a node needs an id and an op (and args, when given, as a JSON object)");
        }
        var wholeEdges = new List<EdgeSpec>();
        for (var i = 0; i < edges.Count; i++)
        {
            if (IsWhole(edges[i])) wholeEdges.Add(edges[i]);
            else problems.Add($"edges[{i}]: an edge needs 'from' and 'to'");
        }
        return spec with { Nodes = wholeNodes, Edges = wholeEdges };
    }

    private static bool IsWhole(NodeSpec? node) => node is { Id: not null, Op: not null, ArgsJson: not null };

    private static bool IsWhole(EdgeSpec? edge) => edge is { From: not null, To: not null };
}
