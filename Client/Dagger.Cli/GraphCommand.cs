using System.CommandLine;
using System.Text;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Cli;

internal static class GraphCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "the DAG spec (JSON)" };
        var format = new Option<string>("--format") { Description = "dot (Graphviz) or mermaid", DefaultValueFactory = _ => "dot" };
        format.AcceptOnlyFromAmong("dot", "mermaid");
        var operators = SpecFiles.OperatorsOption();
        var command = new Command("graph", "print the DAG as a graph description") { spec, format, operators };
        command.SetAction(parse =>
        {
            var catalog = SpecFiles.TryLocalCatalog(parse.GetValue(operators));
            if (catalog is null) return ExitCodes.Invalid;
            var dag = SpecFiles.Load(parse.GetValue(spec)!, catalog, SpecFiles.AnyTransport);
            if (dag is null) return ExitCodes.Invalid;
            Console.Write(parse.GetValue(format) == "mermaid" ? Mermaid(dag) : Dot(dag));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static string Dot(DagSpec dag)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"digraph \"{Escape(dag.Name ?? "dag")}\" {{");
        sb.AppendLine("  rankdir=LR;");
        foreach (var n in dag.Nodes)
            sb.AppendLine($"  \"{Escape(n.Id)}\" [label=\"{Escape(n.Id)}\\n{Escape(n.Op)}{ArgsLabel(n)}\"];");
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

    public static string Mermaid(DagSpec dag)
    {
        var sb = new StringBuilder();
        sb.AppendLine("flowchart LR");
        var ids = dag.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(x => x.Id, x => $"n{x.i}");
        foreach (var n in dag.Nodes) sb.AppendLine($"  {ids[n.Id]}[\"{n.Id}: {n.Op}\"]");
        foreach (var e in dag.Edges)
        {
            var transport = dag.TransportOf(e);
            var label = e.Port != 0 || transport != Transports.Memory
                ? $"|{string.Join(", ", new[] { e.Port != 0 ? $"port {e.Port}" : null, transport != Transports.Memory ? transport : null }.Where(x => x is not null))}|"
                : "";
            sb.AppendLine($"  {ids[e.From]} -->{label} {ids[e.To]}");
        }
        return sb.ToString();
    }

    private static string ArgsLabel(NodeSpec n)
    {
        var args = n.ParseArgs();
        return args.Count == 0 ? "" : "\\n" + Escape(string.Join(", ", args.Select(a => $"{a.Key}={a.Value?.ToJsonString()}")));
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
