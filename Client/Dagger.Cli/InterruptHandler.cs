using Dagger.Orleans.Client;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Cli;

/// <summary>Ctrl+C during <c>run</c>: the first cancels the DAG gracefully, the second forcefully.</summary>
internal sealed class InterruptHandler : IDisposable
{
    private readonly DagRun _run;
    private readonly ProgressReporter _progress;
    private int _count;

    public InterruptHandler(DagRun run, ProgressReporter progress)
    {
        _run = run;
        _progress = progress;
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    public bool Interrupted => Volatile.Read(ref _count) > 0;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true; // the process lives on to cancel the remote DAG and print its result
        var mode = Interlocked.Increment(ref _count) == 1 ? CancelMode.Graceful : CancelMode.Force;
        _progress.Line(mode == CancelMode.Graceful
            ? "interrupted: cancelling the DAG gracefully (Ctrl+C again to force)"
            : "interrupted again: cancelling the DAG forcefully");
        _ = CancelReportingFailureAsync(_run, mode, _progress);
    }

    /// <summary>Cancels from a callback that cannot await: a failure is said on stderr rather than lost.</summary>
    public static async Task CancelReportingFailureAsync(DagRun run, CancelMode mode, ProgressReporter progress)
    {
        try
        {
            await run.CancelAsync(mode);
        }
        catch (Exception ex)
        {
            progress.Line($"cancelling the DAG failed: {ex.Message}");
        }
    }

    public void Dispose() => Console.CancelKeyPress -= OnCancelKeyPress;
}
