using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Cli;

internal static class RunCommand
{
    /// <summary>The longest wait a <see cref="CancellationTokenSource"/> takes (uint.MaxValue - 1 ms), in whole seconds: about 49 days.</summary>
    private const int MaxTimeoutSeconds = 4_294_967;

    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "the DAG spec (JSON)" };
        var cluster = new Option<string?>("--cluster") { Description = "cluster file; without it an embedded silo runs the DAG" };
        var timeout = new Option<double?>("--timeout") { Description = "seconds before the run is cancelled (exit 1)" };
        timeout.Validators.Add(r =>
        {
            // Only a value that reads as a number is checked here: GetValueOrDefault throws on one that does not
            // ("--timeout soon"), which System.CommandLine reports as a parse error by itself.
            if (r.Tokens.Count != 1 || !double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var t)) return;
            // NaN fails "t > 0"; past MaxTimeoutSeconds a CancellationTokenSource cannot wait.
            if (!(t > 0 && t <= MaxTimeoutSeconds))
                r.AddError($"--timeout must be a positive number of seconds, at most {MaxTimeoutSeconds} (got {r.Tokens[0].Value})");
        });
        var grace = GraceOption.Create();
        var operators = SpecFiles.OperatorsOption();
        var timeline = new Option<string?>("--timeline") { Description = "when the run ends, draw its timeline into this file (.svg or .png)" };
        timeline.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && Timeline.TimelineFile.Problem(r.Tokens[0].Value) is { } problem) r.AddError($"--timeline: {problem}");
        });
        var failOnStall = new Option<bool>("--fail-on-stall") { Description = "end the run as Failed when it stalls (a node with input waiting takes none for the silo's StallAfter)" };
        var stallAfter = new Option<double?>("--stall-after") { Description = "seconds without progress before the embedded silo calls a run stalled (default 60; with --cluster the silos' Dagger:StallAfter)" };
        stallAfter.Validators.Add(r =>
        {
            if (r.Tokens.Count != 1 || !double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s)) return;
            if (!(s > 0 && s <= MaxTimeoutSeconds)) r.AddError($"--stall-after must be a positive number of seconds, at most {MaxTimeoutSeconds} (got {r.Tokens[0].Value})");
        });
        var resultsDir = new Option<string?>("--results-dir") { Description = "write each sink's result to DIR/NODE.json instead of into the result document, which then names the file (embedded silo: collect writes as elements arrive, no result cap; with --cluster: copied from the cluster's result store, chunk by chunk)" };
        var command = new Command("run", "validate and run a DAG to completion; the result document goes to stdout") { spec, cluster, timeout, grace, operators, timeline, failOnStall, stallAfter, resultsDir };
        command.Validators.Add(r =>
        {
            if (r.GetValue(cluster) is not null && r.GetValue(stallAfter) is not null)
                r.AddError("--stall-after sets the embedded silo's stall period; a cluster's silos have their own (Dagger:StallAfter)");
        });
        command.SetAction((parse, _) => RunAsync(parse.GetValue(spec)!, parse.GetValue(cluster), parse.GetValue(timeout),
            GraceOption.ToTimeSpan(parse.GetValue(grace)), parse.GetValue(operators) ?? [], parse.GetValue(timeline),
            new EmbeddedSettings(parse.GetValue(failOnStall), parse.GetValue(stallAfter) is { } s ? TimeSpan.FromSeconds(s) : null, parse.GetValue(resultsDir))));
        return command;
    }

    /// <summary><c>--fail-on-stall</c>, <c>--results-dir</c>, and the embedded silo's <c>--stall-after</c>.</summary>
    private sealed record EmbeddedSettings(bool FailOnStall, TimeSpan? StallAfter, string? ResultsDirectory);

    private static async Task<int> RunAsync(string specPath, string? clusterPath, double? timeoutSeconds, TimeSpan? grace, string[] operatorAssemblies, string? timelinePath,
        EmbeddedSettings embedded)
    {
        var clock = Stopwatch.StartNew();
        var progress = ProgressReporter.Create();
        DaggerClient client;
        DagSpec? dag;
        try
        {
            if (clusterPath is null)
            {
                // Validate before starting a silo: a bad spec answers at once.
                var catalog = SpecFiles.TryLocalCatalog(operatorAssemblies);
                if (catalog is null) return ExitCodes.Invalid;
                dag = SpecFiles.Load(specPath, catalog, SpecFiles.EmbeddedTransports);
                if (dag is null) return ExitCodes.Invalid;
                if (!await ResultFiles.TryCreateDirectoryAsync(embedded.ResultsDirectory)) return ExitCodes.Invalid;
                progress.Line("starting embedded silo");
                client = await DaggerClient.StartEmbeddedAsync(o =>
                {
                    o.OperatorAssemblies.AddRange(operatorAssemblies);
                    if (embedded.StallAfter is { } stallAfter) o.StallAfter = stallAfter;
                    if (embedded.ResultsDirectory is { } directory) o.ResultsDirectory = Path.GetFullPath(directory);
                }, CliErrors.Verbose ? LogLevel.Information : LogLevel.Error);
            }
            else
            {
                var file = ClusterFile.Load(clusterPath);
                dag = SpecFiles.Load(specPath, catalog: null, Transports.All);
                if (dag is null) return ExitCodes.Invalid;
                if (!await ResultFiles.TryCreateDirectoryAsync(embedded.ResultsDirectory)) return ExitCodes.Invalid;
                client = await DaggerClient.ConnectAsync(file, logLevel: CliErrors.ClientLogLevel);
            }
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

        await using (client)
        {
            DagRun run;
            try
            {
                run = await client.SubmitAsync(dag);
            }
            catch (DagSpecException e)
            {
                await Console.Error.WriteLineAsync($"{specPath}: refused by the cluster:");
                foreach (var problem in e.Problems) await Console.Error.WriteLineAsync($"  {problem}");
                return ExitCodes.Invalid;
            }
            // Ctrl+C handling first: a script that sends SIGINT once it reads "submitted" must reach the handler.
            using var interrupts = new InterruptHandler(run, progress, grace);
            progress.Line($"DAG {run.Id} submitted ({dag.Nodes.Count} nodes)");
            using var deadline = timeoutSeconds is { } t ? new CancellationTokenSource(TimeSpan.FromSeconds(t)) : new CancellationTokenSource();
            string? timeoutError = null;
            deadline.Token.Register(() =>
            {
                timeoutError = $"timed out after {timeoutSeconds} s: the DAG was cancelled";
                progress.Line(timeoutError);
                _ = InterruptHandler.CancelReportingFailureAsync(run, CancelMode.Force, progress);
            });

            // Results are streamed to stdout (or files), never read whole into memory.
            run.ResultTextLimit = 0;
            run.Progress += progress.Update;
            if (embedded.FailOnStall) run.Progress += FailOnStall(run, progress);
            DagStatus final;
            try
            {
                final = await progress.TrackAsync(() => run.WaitAsync(TimeSpan.FromMilliseconds(250)));
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or DagNotFoundException)
            {
                // The cluster lost the run (its coordinating silo went away, say): say so, without a stack trace.
                await Console.Error.WriteLineAsync($"dagger: lost track of DAG {run.Id}: {e.Message}");
                return ExitCodes.Failed;
            }
            try
            {
                await WriteDocumentAsync(run, final, timeoutError, clusterPath is null ? null : embedded.ResultsDirectory);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"dagger: the results of DAG {run.Id} could not be read back: {e.Message}");
                return ExitCodes.Failed;
            }
            progress.Line($"{final.State} in {clock.Elapsed.TotalSeconds:F2} s");
            if (timelinePath is not null) await WriteTimelineAsync(client, run.Id, timelinePath, progress);
            if (final.Error is not null && final.State == DagState.Failed) await Console.Error.WriteLineAsync($"dagger: {final.Error}");
            return final.State switch
            {
                DagState.Completed => ExitCodes.Ok,
                DagState.Cancelled when interrupts.Interrupted => ExitCodes.Interrupted,
                _ => ExitCodes.Failed,
            };
        }
    }

    /// <summary>
    /// The result document on stdout, each stored result copied in chunk by chunk (never held whole); with
    /// <paramref name="clientResultsDirectory"/> (a cluster run's <c>--results-dir</c>) every result goes to its file
    /// there first, and the document names the files, as the embedded silo's do.
    /// </summary>
    private static async Task WriteDocumentAsync(DagRun run, DagStatus final, string? timeoutError, string? clientResultsDirectory)
    {
        if (clientResultsDirectory is not null) final = await ResultFiles.WriteAsync(run, final, clientResultsDirectory);
        await Console.Out.FlushAsync();
        await using var stdout = Console.OpenStandardOutput();
        await ResultDocument.WriteAsync(stdout, final, run.ReadResultAsync, timeoutError);
    }

    /// <summary>
    /// A progress handler that, at the first status showing a stall, asks the run to end as Failed with it (once: a
    /// refusal, because the node moved again meanwhile, lets a later stall ask again).
    /// </summary>
    private static Action<DagStatus> FailOnStall(DagRun run, ProgressReporter progress)
    {
        var asking = 0;
        return status =>
        {
            if (status.Stall is null || Interlocked.Exchange(ref asking, 1) == 1) return;
            _ = AskAsync(status.Stall);
        };

        async Task AskAsync(string stall)
        {
            try
            {
                if (await run.FailIfStalledAsync()) progress.Line($"{stall}: failing the run (--fail-on-stall)");
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                progress.Line($"could not fail the stalled run: {e.Message}");
            }
            finally
            {
                Volatile.Write(ref asking, 0);
            }
        }
    }

    /// <summary>
    /// Draws the run's timeline once it has ended. A chart that cannot be made is reported, not fatal: the run's own
    /// outcome (and exit code) stands.
    /// </summary>
    private static async Task WriteTimelineAsync(DaggerClient client, string dagId, string path, ProgressReporter progress)
    {
        try
        {
            var lanes = await TimelineCommand.WriteAsync(client, dagId, path);
            progress.Line($"timeline ({lanes} lanes) written to {path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or OrleansException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"dagger: the timeline could not be written to {path}: {e.Message}");
        }
    }
}
