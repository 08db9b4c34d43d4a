using Dagger.Orleans.Wire;
using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// Stalls made visible (issue 18): every quarter of <see cref="DaggerOptions.StallAfter"/> a running DAG asks its
/// running nodes for their counters and hands them to a <see cref="StallDetector"/>. A stall shows in the run's
/// status (<see cref="DagStatus.Stall"/>: <c>dagger status</c>, the progress line of <c>dagger run</c>) until the
/// node moves again; <see cref="FailIfStalledAsync"/> (<c>dagger run --fail-on-stall</c>) ends the run on it.
/// </summary>
internal sealed partial class DagGrain
{
    private IGrainTimer? _stallWatch;
    private StallDetector? _stalls;
    private string? _stall;

    private void StartStallWatch()
    {
        if (_options.StallAfter <= TimeSpan.Zero || _stallWatch is not null) return;
        _stalls = new StallDetector(_spec!, _options.StallAfter);
        var period = TimeSpan.FromTicks(Math.Clamp(_options.StallAfter.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(5).Ticks));
        _stallWatch = this.RegisterGrainTimer(CheckStallsAsync, new GrainTimerCreationOptions(period, period) { Interleave = true });
    }

    private async Task CheckStallsAsync(CancellationToken cancellation)
    {
        if (_state.IsTerminal())
        {
            _stallWatch?.Dispose();
            _stallWatch = null;
            _stall = null;
            return;
        }
        var running = _nodes.Values.Where(n => n.State == NodeState.Running && !_awaitingResume.Contains(n.NodeId)).Select(n => n.NodeId).ToList();
        var live = await Task.WhenAll(running.Select(AskNodeAsync));
        if (_state.IsTerminal()) return;
        var counters = new Dictionary<string, NodeStatus>(_nodes, StringComparer.Ordinal);
        for (var i = 0; i < running.Count; i++)
        {
            if (live[i].State == NodeState.Running) counters[running[i]] = live[i];
        }
        var stall = _stalls!.Observe(counters, DateTimeOffset.UtcNow);
        if (stall is not null && stall != _stall) LogStalled(logger, DagId, stall);
        _stall = stall;
    }

    public async Task<bool> FailIfStalledAsync()
    {
        if (_stall is not { } stall || _state.IsTerminal()) return false;
        if (_stalls?.StalledNode is { } nodeId && _nodes.TryGetValue(nodeId, out var node))
            _nodes[nodeId] = node with { State = NodeState.Failed, Error = stall };
        await FailAsync(stall);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DAG {DagId}: {Stall}")]
    private static partial void LogStalled(ILogger logger, string dagId, string stall);
}
