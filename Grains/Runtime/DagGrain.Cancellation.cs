using Dagger.Orleans.Wire;
using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// Cancellation is a run phase with a deadline. Graceful: the run is <see cref="DagState.Cancelling"/> (recorded, so a
/// new activation of this grain, a resumed node and a submission still starting nodes all honour it), its sources
/// stop and the rest drains — for at most the grace period, after which it is cancelled forcefully. Force: every node
/// stops now. The run's status says which it was.
/// </summary>
internal sealed partial class DagGrain
{
    public const string CancelledGracefully = "graceful";
    public const string CancelledForcefully = "forceful";
    public const string CancelledAfterGrace = "graceful, then forceful";

    // While Cancelling: when the drain is cut short.
    private DateTimeOffset? _cancelDeadline;
    private IGrainTimer? _cancelTimer;
    // How the run was (or is being) cancelled; null when it was not.
    private string? _cancellation;

    public async Task CancelAsync(CancelMode mode, TimeSpan? grace)
    {
        if (_spec is null) throw NotFound();
        if (_state.IsTerminal()) return;
        using var span = StartSpan(Telemetry.DaggerTelemetry.Spans.Cancel);
        span?.SetTag(Telemetry.DaggerTelemetry.Tags.Mode, mode == CancelMode.Graceful ? "graceful" : "force");
        LogCancelling(logger, DagId, mode);
        if (mode == CancelMode.Graceful)
        {
            // A second graceful cancel keeps the first one's deadline: asking twice must not drain for longer.
            if (_state == DagState.Cancelling) return;
            var period = grace ?? _options.GracePeriod;
            if (period < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(grace), $"a grace period cannot be negative (got {period.TotalSeconds} s)");
            _state = DagState.Cancelling;
            _cancellation = CancelledGracefully;
            _cancelDeadline = DateTimeOffset.UtcNow + period;
            ArmCancelDeadline();
            await SaveAsync();
            await StopSourcesAsync();
            return;
        }
        _cancellation = _state == DagState.Cancelling ? CancelledAfterGrace : CancelledForcefully;
        await CancelNowAsync();
    }

    /// <summary>Every node stops now; the run ends Cancelled once they have.</summary>
    private async Task CancelNowAsync()
    {
        DisarmCancelDeadline();
        End(DagState.Cancelled, announce: false);
        await StopAllAsync();
        await SaveAsync();
        _ended.TrySetResult();
    }

    /// <summary>Tells every node of a cancelling run that sources stop (the others ignore it and drain).</summary>
    private Task StopSourcesAsync() => Task.WhenAll(_nodes.Keys.Select(id => Node(id).CancelAsync(CancelMode.Graceful)));

    /// <summary>The forceful end of a graceful cancellation, at its deadline (at once if that has passed).</summary>
    private void ArmCancelDeadline()
    {
        _cancelTimer?.Dispose();
        var due = _cancelDeadline is { } at ? at - DateTimeOffset.UtcNow : TimeSpan.Zero;
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        _cancelTimer = this.RegisterGrainTimer(async _ =>
        {
            DisarmCancelDeadline();
            if (_state != DagState.Cancelling) return;
            LogGraceOver(logger, DagId);
            _cancellation = CancelledAfterGrace;
            await CancelNowAsync();
        }, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { Interleave = true });
    }

    private void DisarmCancelDeadline()
    {
        _cancelTimer?.Dispose();
        _cancelTimer = null;
    }

    /// <summary>
    /// A graceful cancel came in while the run was still starting its nodes: the groups after it were not started
    /// (sources start last, so nothing was produced yet and there is nothing to drain): the started ones stop now.
    /// </summary>
    private async Task CancelledWhileStartingAsync()
    {
        LogCancelledWhileStarting(logger, DagId);
        await CancelNowAsync();
    }

    /// <summary>A node started again (resumed after its silo died) in a cancelling run hears the cancel too.</summary>
    private Task RepeatCancelTo(string nodeId) =>
        _state == DagState.Cancelling ? Node(nodeId).CancelAsync(CancelMode.Graceful) : Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "DAG {DagId}: cancelling ({Mode})")]
    private static partial void LogCancelling(ILogger logger, string dagId, CancelMode mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "DAG {DagId}: the grace period of its cancellation is over: cancelling it forcefully")]
    private static partial void LogGraceOver(ILogger logger, string dagId);

    [LoggerMessage(Level = LogLevel.Information, Message = "DAG {DagId}: cancelled while its nodes were starting: the started ones stop now")]
    private static partial void LogCancelledWhileStarting(ILogger logger, string dagId);
}
