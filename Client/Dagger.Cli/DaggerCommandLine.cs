using System.CommandLine;

namespace Dagger.Orleans.Cli;

/// <summary>The <c>dagger</c> command tree (CONTRACT §3).</summary>
internal static class DaggerCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("dagger: run DAGs of tasks, finite or streaming, on Orleans silos")
        {
            RunCommand.Create(),
            ValidateCommand.Create(),
            AllocCommand.Create(),
            GraphCommand.Create(),
            ClusterCommands.Submit(),
            ClusterCommands.Status(),
            ClusterCommands.Cancel(),
            ClusterCommands.Migrate(),
            OperatorsCommand.Create(),
            ListCommand.Create(),
            TimelineCommand.Create(),
            BenchCommand.Create(),
            CliErrors.VerboseOption,
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await Console.Error.WriteLineAsync($"dagger: {error.Message}");
            await Console.Error.WriteLineAsync("run 'dagger --help' for usage");
            return ExitCodes.Invalid;
        }
        CliErrors.Verbose = parse.GetValue(CliErrors.VerboseOption);
        try
        {
            // Ctrl+C is ours to handle (graceful, then forceful cancellation of the DAG); so are errors: one line each.
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return CliErrors.Unexpected(e);
        }
    }
}
