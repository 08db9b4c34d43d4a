using Dagger.Orleans.Client;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Cli;

/// <summary>
/// Ctrl+C during <c>run</c>: the first cancels the DAG gracefully (for at most the grace period, which the cluster
/// enforces), the second forcefully at once.
/// </summary>
internal sealed class InterruptHandler : IDisposable
{
    /// <summary>The cluster's own default grace period, used to time the client's backstop when no --grace was given.</summary>
    private static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(10);

    private readonly DagRun _run;
    private readonly ProgressReporter _progress;
    private readonly TimeSpan? _grace;
    private readonly CancellationTokenSource _disposed = new();
    private int _count;

    public InterruptHandler(DagRun run, ProgressReporter progress, TimeSpan? grace = null)
    {
        _run = run;
        _progress = progress;
        _grace = grace;
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    public bool Interrupted => Volatile.Read(ref _count) > 0;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true; // the process lives on to cancel the remote DAG and print its result
        var mode = Interlocked.Increment(ref _count) == 1 ? CancelMode.Graceful : CancelMode.Force;
        var grace = _grace ?? DefaultGrace;
        _progress.Line(mode == CancelMode.Graceful
            ? $"interrupted: cancelling the DAG gracefully, forcefully after {grace.TotalSeconds:0.##} s (Ctrl+C again to force now)"
            : "interrupted again: cancelling the DAG forcefully");
        _ = CancelReportingFailureAsync(_run, mode, _progress, _grace);
        if (mode == CancelMode.Graceful) _ = ForceAfterGraceAsync(grace);
    }

    /// <summary>
    /// The cluster turns a graceful cancel forceful at its deadline; should that word not come (the run's grain moving,
    /// a lost call), the client forces it a second later itself, so Ctrl+C always ends within the grace and seconds.
    /// </summary>
    private async Task ForceAfterGraceAsync(TimeSpan grace)
    {
        try
        {
            await Task.Delay(grace + TimeSpan.FromSeconds(1), _disposed.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await CancelReportingFailureAsync(_run, CancelMode.Force, _progress);
    }

    /// <summary>Cancels from a callback that cannot await: a failure is said on stderr rather than lost.</summary>
    public static async Task CancelReportingFailureAsync(DagRun run, CancelMode mode, ProgressReporter progress, TimeSpan? grace = null)
    {
        try
        {
            await run.CancelAsync(mode, grace);
        }
        catch (Exception ex)
        {
            progress.Line($"cancelling the DAG failed: {ex.Message}");
        }
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
