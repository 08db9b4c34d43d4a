using System.CommandLine;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Cli;

/// <summary><c>submit</c>, <c>status</c> and <c>cancel</c>: commands against a running cluster.</summary>
internal static class ClusterCommands
{
    private static Option<string> ClusterOption() => new("--cluster") { Description = "cluster file", Required = true };

    public static Command Submit()
    {
        var spec = new Argument<string>("spec") { Description = "the DAG spec (JSON)" };
        var cluster = ClusterOption();
        var command = new Command("submit", "start a DAG on a running cluster and print its id") { spec, cluster };
        command.SetAction((parse, _) => WithClusterAsync(parse.GetValue(cluster)!, async client =>
        {
            var dag = SpecFiles.Load(parse.GetValue(spec)!, catalog: null, Transports.All);
            if (dag is null) return ExitCodes.Invalid;
            try
            {
                var run = await client.SubmitAsync(dag);
                Console.WriteLine(run.Id);
                return ExitCodes.Ok;
            }
            catch (DagSpecException e)
            {
                foreach (var problem in e.Problems) await Console.Error.WriteLineAsync(problem);
                return ExitCodes.Invalid;
            }
        }));
        return command;
    }

    public static Command Status()
    {
        var id = new Argument<string>("id") { Description = "the DAG id" };
        var cluster = ClusterOption();
        var command = new Command("status", "state of a DAG and of each node") { id, cluster };
        command.SetAction((parse, _) => WithClusterAsync(parse.GetValue(cluster)!, async client =>
        {
            var status = await client.Attach(parse.GetValue(id)!).GetStatusAsync();
            Console.WriteLine(ResultDocument.Write(status));
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command Cancel()
    {
        var id = new Argument<string>("id") { Description = "the DAG id" };
        var force = new Option<bool>("--force") { Description = "stop every node now instead of draining" };
        var cluster = ClusterOption();
        var command = new Command("cancel", "cancel a DAG: graceful (drain, then stop) or --force") { id, force, cluster };
        command.SetAction((parse, _) => WithClusterAsync(parse.GetValue(cluster)!, async client =>
        {
            await client.Attach(parse.GetValue(id)!).CancelAsync(parse.GetValue(force) ? CancelMode.Force : CancelMode.Graceful);
            Console.WriteLine($"cancel requested for {parse.GetValue(id)}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task<int> WithClusterAsync(string clusterPath, Func<DaggerClient, Task<int>> action)
    {
        try
        {
            await using var client = await DaggerClient.ConnectAsync(ClusterFile.Load(clusterPath));
            return await action(client);
        }
        catch (ClusterFileException e)
        {
            await Console.Error.WriteLineAsync($"dagger: {e.Message}");
            return ExitCodes.Invalid;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"dagger: the cluster could not answer: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (DagNotFoundException e)
        {
            await Console.Error.WriteLineAsync($"dagger: {e.Message}");
            return ExitCodes.Invalid;
        }
    }
}
