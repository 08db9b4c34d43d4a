using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Cli;

/// <summary><c>submit</c>, <c>status</c> and <c>cancel</c>: commands against a running cluster.</summary>
internal static class ClusterCommands
{
    internal static Option<string> ClusterOption() => new("--cluster") { Description = "cluster file", Required = true };

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
            Console.WriteLine(WithPlacement(ResultDocument.Write(status), status));
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command Cancel()
    {
        var id = new Argument<string>("id") { Description = "the DAG id" };
        var force = new Option<bool>("--force") { Description = "stop every node now instead of draining" };
        var node = new Option<string?>("--node") { Description = "cancel this node only (graceful: it ends its output; --force: it and everything downstream stop now)" };
        var grace = GraceOption.Create();
        var cluster = ClusterOption();
        var command = new Command("cancel", "cancel a DAG: graceful (drain for at most --grace seconds, then stop) or --force") { id, force, node, grace, cluster };
        command.SetAction((parse, _) => WithClusterAsync(parse.GetValue(cluster)!, async client =>
        {
            var mode = parse.GetValue(force) ? CancelMode.Force : CancelMode.Graceful;
            var run = client.Attach(parse.GetValue(id)!);
            if (parse.GetValue(node) is { } nodeId)
            {
                await run.CancelNodeAsync(nodeId, mode);
                Console.WriteLine($"cancel requested for node {nodeId} of {run.Id}");
            }
            else
            {
                await run.CancelAsync(mode, GraceOption.ToTimeSpan(parse.GetValue(grace)));
                Console.WriteLine($"cancel requested for {run.Id}");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command Migrate()
    {
        var id = new Argument<string>("id") { Description = "the DAG id" };
        var node = new Argument<string>("node") { Description = "the node to move" };
        var to = new Option<string?>("--to") { Description = "the silo to move it to (as `dagger status` shows it, or host:port); default: the least loaded other silo" };
        var cluster = ClusterOption();
        var command = new Command("migrate", "move a running node to another silo mid-stream, with its state") { id, node, to, cluster };
        command.SetAction((parse, _) => WithClusterAsync(parse.GetValue(cluster)!, async client =>
        {
            try
            {
                var silo = await client.Attach(parse.GetValue(id)!).MigrateAsync(parse.GetValue(node)!, parse.GetValue(to));
                Console.WriteLine($"node {parse.GetValue(node)} moved to {silo}");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"dagger: {e.Message}");
                return ExitCodes.Invalid;
            }
        }));
        return command;
    }

    /// <summary>The result document with, per node, its device and what its silo computes on (beside the silo it already names).</summary>
    private static string WithPlacement(string document, DagStatus status)
    {
        var root = JsonNode.Parse(document)!;
        var nodes = root["stats"]!["nodes"]!;
        foreach (var node in status.Nodes)
        {
            if (nodes[node.NodeId] is not JsonObject entry) continue;
            if (node.Device is not null) entry["device"] = node.Device;
            if (node.Accelerator is not null) entry["accelerator"] = node.Accelerator;
        }
        return root.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Joins the cluster, runs <paramref name="action"/>, and turns the ways that can fail into messages and exit codes.</summary>
    internal static async Task<int> WithClusterAsync(string clusterPath, Func<DaggerClient, Task<int>> action)
    {
        try
        {
            await using var client = await DaggerClient.ConnectAsync(ClusterFile.Load(clusterPath), logLevel: CliErrors.ClientLogLevel);
            return await action(client);
        }
        catch (ClusterFileException e)
        {
            await Console.Error.WriteLineAsync($"dagger: {e.Message}");
            return ExitCodes.Invalid;
        }
        catch (ClusterUnreachableException e)
        {
            await Console.Error.WriteLineAsync($"dagger: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"dagger: the cluster could not answer: {CliErrors.OneLine(e.Message)}");
            return ExitCodes.Failed;
        }
        catch (DagNotFoundException e)
        {
            await Console.Error.WriteLineAsync($"dagger: {e.Message}");
            return ExitCodes.Invalid;
        }
    }
}
