using System.CommandLine;

namespace Dagger.Orleans.Cli;

internal static class ValidateCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "the DAG spec (JSON)" };
        var operators = SpecFiles.OperatorsOption();
        var command = new Command("validate", "check a spec; every problem found, one a line") { spec, operators };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(spec)!;
            var catalog = SpecFiles.TryLocalCatalog(parse.GetValue(operators));
            if (catalog is null) return ExitCodes.Invalid;
            var dag = SpecFiles.Load(path, catalog, SpecFiles.AnyTransport);
            if (dag is null) return ExitCodes.Invalid;
            Console.WriteLine($"{path}: valid ({dag.Nodes.Count} nodes, {dag.Edges.Count} edges)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
