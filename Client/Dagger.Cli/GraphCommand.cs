using System.CommandLine;
using System.Text;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Cli;

internal static class GraphCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "the DAG spec (JSON); with --cluster, the id of a run on that cluster" };
        var format = new Option<string>("--format") { Description = "dot (Graphviz) or mermaid", DefaultValueFactory = _ => "dot" };
        format.AcceptOnlyFromAmong("dot", "mermaid");
        var operators = SpecFiles.OperatorsOption();
        var cluster = new Option<string?>("--cluster") { Description = "cluster file: draw run ID as it is now, each node with its state, silo and counts" };
        var command = new Command("graph", "print the DAG as a graph description") { spec, format, operators, cluster };
        command.SetAction((parse, _) =>
        {
            if (parse.GetValue(cluster) is { } clusterPath)
                return ClusterCommands.WithClusterAsync(clusterPath, client => LiveAsync(client, parse.GetValue(spec)!, parse.GetValue(format)!));
            return Task.FromResult(Offline(parse.GetValue(spec)!, parse.GetValue(format)!, parse.GetValue(operators)));
        });
        return command;
    }

    /// <summary>A run's graph as it is now: the spec it was submitted with, each node labelled with its state, silo and counts.</summary>
    private static async Task<int> LiveAsync(Client.DaggerClient client, string dagId, string format)
    {
        var run = client.Attach(dagId);
        var spec = await run.GetSpecAsync();
        var status = await run.GetStatusAsync();
        var live = status.Nodes.ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        Console.Write(format == "mermaid" ? Mermaid(spec, live) : Dot(spec, live));
        return ExitCodes.Ok;
    }

    private static int Offline(string path, string format, string[]? operatorAssemblies)
    {
        var catalog = SpecFiles.TryLocalCatalog(operatorAssemblies);
        if (catalog is null) return ExitCodes.Invalid;
        var dag = SpecFiles.Load(path, catalog, SpecFiles.AnyTransport);
        if (dag is null) return ExitCodes.Invalid;
        Console.Write(format == "mermaid" ? Mermaid(dag) : Dot(dag));
        return ExitCodes.Ok;
    }

    /// <param name="live">Each node's status now, for a running (or ended) run: its label and fill show it.</param>
    public static string Dot(DagSpec dag, IReadOnlyDictionary<string, NodeStatus>? live = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"digraph \"{Escape(dag.Name ?? "dag")}\" {{");
        sb.AppendLine("  rankdir=LR;");
        foreach (var n in dag.Nodes)
            sb.AppendLine($"  \"{Escape(n.Id)}\" [label=\"{Escape(n.Id)}\\n{Escape(n.Op)}{ArgsLabel(n)}{LiveLabel(live, n.Id, "\\n")}\"{LiveStyle(live, n.Id)}];");
        foreach (var e in dag.Edges)
        {
            var label = new List<string>();
            if (e.Port != 0 || dag.Edges.Count(x => x.To == e.To) > 1) label.Add($"port {e.Port}");
            var transport = dag.TransportOf(e);
            if (transport != Transports.Memory) label.Add(transport);
            var attrs = label.Count > 0 ? $" [label=\"{string.Join(", ", label)}\"]" : "";
            sb.AppendLine($"  \"{Escape(e.From)}\" -> \"{Escape(e.To)}\"{attrs};");
        }
        sb.AppendLine("}");
        return sb.ToString();
    }

    public static string Mermaid(DagSpec dag, IReadOnlyDictionary<string, NodeStatus>? live = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine("flowchart LR");
        var ids = dag.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(x => x.Id, x => $"n{x.i}");
        foreach (var n in dag.Nodes) sb.AppendLine($"  {ids[n.Id]}[\"{n.Id}: {n.Op}{LiveLabel(live, n.Id, "<br/>")}\"]");
        foreach (var e in dag.Edges)
        {
            var transport = dag.TransportOf(e);
            var label = e.Port != 0 || transport != Transports.Memory
                ? $"|{string.Join(", ", new[] { e.Port != 0 ? $"port {e.Port}" : null, transport != Transports.Memory ? transport : null }.Where(x => x is not null))}|"
                : "";
            sb.AppendLine($"  {ids[e.From]} -->{label} {ids[e.To]}");
        }
        foreach (var n in dag.Nodes)
        {
            if (live is not null && live.TryGetValue(n.Id, out var status)) sb.AppendLine($"  style {ids[n.Id]} fill:{Fill(status.State)}");
        }
        return sb.ToString();
    }

    /// <summary>A node's live line: <c>Running on S127.0.0.1:11111:… · out 1,024 · in 2,048</c>; "" without a status.</summary>
    private static string LiveLabel(IReadOnlyDictionary<string, NodeStatus>? live, string nodeId, string lineBreak)
    {
        if (live is null || !live.TryGetValue(nodeId, out var s)) return "";
        var where = s.Silo is null ? "" : $" on {s.Silo}";
        return Escape($"{lineBreak}{s.State}{where} · out {s.Emitted:N0} · in {s.Received:N0}").Replace("\\n", "\n");
    }

    private static string LiveStyle(IReadOnlyDictionary<string, NodeStatus>? live, string nodeId) =>
        live is not null && live.TryGetValue(nodeId, out var s) ? $", style=filled, fillcolor=\"{Fill(s.State)}\"" : "";

    private static string Fill(NodeState state) => state switch
    {
        NodeState.Running => "#c8e6c9",
        NodeState.Finished => "#e0e0e0",
        NodeState.Failed => "#ffcdd2",
        NodeState.Cancelled => "#ffe0b2",
        _ => "#ffffff",
    };

    private static string ArgsLabel(NodeSpec n)
    {
        var args = n.ParseArgs();
        return args.Count == 0 ? "" : "\\n" + Escape(string.Join(", ", args.Select(a => $"{a.Key}={a.Value?.ToJsonString()}")));
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
