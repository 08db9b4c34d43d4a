using System.CommandLine;
using Dagger.Orleans.Bench.Running;

namespace Dagger.Orleans.Cli;

/// <summary><c>dagger bench</c>: the end-to-end benchmark suites, each next to its baseline, into a report folder.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "tiny sizes, one measured run each: proves it works in under a minute" };
        var only = new Option<string?>("--only") { Description = "comma-separated sections to run (chain, tasks, latency, scaling, hpec, radar); default all" };
        var output = new Option<string?>("--out") { Description = "report folder; default bench-results/<yyyy-MM-dd_HHmm>/, copied to bench-results/latest/" };
        var command = new Command("bench", "measure Dagger next to baselines (TPL Dataflow, Akka.Streams, raw NATS/MQTT, Task.Run, direct kernels); writes report.md, results.json and PNG charts")
        {
            quick, only, output,
        };
        command.SetAction(async (parse, cancellation) =>
        {
#if DEBUG
            const bool debugBuild = true;
#else
            const bool debugBuild = false;
#endif
            var commandLine = "dagger " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
            try
            {
                return await BenchMain.RunAsync(parse.GetValue(quick), parse.GetValue(only), parse.GetValue(output), commandLine, debugBuild,
                    Console.Out, Console.Error, cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("dagger bench: interrupted");
                return ExitCodes.Interrupted;
            }
        });
        return command;
    }
}
