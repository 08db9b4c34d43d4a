using System.CommandLine;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Cli;

/// <summary>
/// <c>dagger validate SPEC [--cluster FILE]</c>: the checks a submission gets, without running anything — against the
/// cluster's operators and transports (asked of a silo), or without <c>--cluster</c> against the embedded silo's (the
/// built-in operators, <c>--operators</c> assemblies, memory edges), so <c>validate</c> and <c>run</c> agree.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "the DAG spec (JSON)" };
        var cluster = new Option<string?>("--cluster") { Description = "cluster file: validate against that cluster's operators and transports (default: the embedded silo's)" };
        var operators = SpecFiles.OperatorsOption();
        var command = new Command("validate", "check a spec; every problem found, one a line") { spec, cluster, operators };
        command.SetAction((parse, _) =>
        {
            var path = parse.GetValue(spec)!;
            return parse.GetValue(cluster) is { } clusterPath ? OnClusterAsync(path, clusterPath) : Task.FromResult(Embedded(path, parse.GetValue(operators)));
        });
        return command;
    }

    private static int Embedded(string path, string[]? operatorAssemblies)
    {
        var catalog = SpecFiles.TryLocalCatalog(operatorAssemblies);
        if (catalog is null) return ExitCodes.Invalid;
        var dag = SpecFiles.Load(path, catalog, SpecFiles.EmbeddedTransports);
        if (dag is null) return ExitCodes.Invalid;
        return Valid(path, dag);
    }

    private static async Task<int> OnClusterAsync(string path, string clusterPath)
    {
        if (SpecFiles.Read(path) is not { } read) return ExitCodes.Invalid;
        var (dag, problems) = read;
        return await ClusterCommands.WithClusterAsync(clusterPath, async client =>
        {
            // The file's own problems and the cluster's, together: one pass fixes them all.
            var all = problems.Concat(await client.ValidateOnClusterAsync(dag)).Distinct().ToList();
            if (all.Count == 0) return Valid(path, dag);
            SpecFiles.Report(path, all);
            return ExitCodes.Invalid;
        });
    }

    private static int Valid(string path, DagSpec dag)
    {
        Console.WriteLine($"{path}: valid ({dag.Nodes.Count} nodes, {dag.Edges.Count} edges)");
        return ExitCodes.Ok;
    }
}
