using System.CommandLine;

namespace Dagger.Orleans.Cli;

internal static class ValidateCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "the DAG spec (JSON)" };
        var command = new Command("validate", "check a spec; every problem found, one a line") { spec };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(spec)!;
            var dag = SpecFiles.Load(path, SpecFiles.LocalCatalog(), SpecFiles.EmbeddedTransports);
            if (dag is null) return ExitCodes.Invalid;
            Console.WriteLine($"{path}: valid ({dag.Nodes.Count} nodes, {dag.Edges.Count} edges)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
