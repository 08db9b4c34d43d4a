using System.CommandLine;
using Dagger.Orleans.Cli.Timeline;
using Dagger.Orleans.Client;

namespace Dagger.Orleans.Cli;

/// <summary><c>dagger timeline ID --cluster FILE -o FILE.svg|.png</c>: the run's Gantt chart (see <see cref="TimelineChart"/>).</summary>
internal static class TimelineCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "the DAG id" };
        var output = new Option<string>("--output", "-o") { Description = "the chart file to write: .svg or .png", Required = true };
        var cluster = ClusterCommands.ClusterOption();
        var command = new Command("timeline", "draw a run's timeline: one lane per node, grouped by silo") { id, output, cluster };
        command.SetAction((parse, _) =>
        {
            var path = parse.GetValue(output)!;
            if (TimelineFile.Problem(path) is { } problem)
            {
                Console.Error.WriteLine($"dagger: {problem}");
                return Task.FromResult(ExitCodes.Invalid);
            }
            return ClusterCommands.WithClusterAsync(parse.GetValue(cluster)!, async client =>
            {
                var lanes = await WriteAsync(client, parse.GetValue(id)!, path);
                Console.Error.WriteLine($"dagger: timeline of {parse.GetValue(id)} ({lanes} lanes) written to {path}");
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    /// <summary>Gathers the run's lanes from the silos and draws them into <paramref name="path"/>; answers how many lanes. Throws DagNotFoundException for an unknown id.</summary>
    public static async Task<int> WriteAsync(DaggerClient client, string dagId, string path)
    {
        var lanes = await client.GetTimelineAsync(dagId);
        if (lanes.Count == 0) throw new InvalidOperationException($"no silo holds a timeline of DAG {dagId} (its silos restarted, or it was dropped after DaggerOptions.ResultRetention)");
        TimelineFile.Write(path, $"DAG {dagId}", lanes);
        return lanes.Count;
    }
}
