using System.Runtime.CompilerServices;
using Dagger.Orleans.Runtime.Timeline;
using Dagger.Orleans.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The node's timeline (<see cref="NodeTimeline"/>) and metrics (<see cref="NodeMetrics"/>): the pump says when it
/// starts and stops running here, and wraps the two places it can wait — reading input, sending output — so only a
/// wait that really happens costs a clock read.
/// </summary>
internal sealed partial class NodeGrain
{
    private NodeTimeline? _timeline;
    private NodeMetrics? _metrics;

    /// <summary>Starts this stay's lane: the pump runs from now on.</summary>
    private void OpenTimeline()
    {
        // A source's batches are counted as they are sent, once per output edge: each weighs 1/outputs of a batch.
        var weight = _plan!.InputCount == 0 ? 1.0 / Math.Max(1, _plan.Outputs.Count) : 1.0;
        _timeline = ServiceProvider.GetRequiredService<TimelineStore>().Open(_plan.DagId, _plan.NodeId, _plan.Op, siloDetails.SiloAddress.ToString(), weight);
        _metrics = new NodeMetrics(ServiceProvider.GetRequiredService<DaggerMetrics>(), _plan, _inbox, _core!.Received, _core.Emitted, _core.NextSequence);
    }

    /// <summary>Ends this stay's lane and reports what the metrics have not yet.</summary>
    private void CloseTimeline()
    {
        _timeline?.End();
        if (_core is { } core) _metrics?.Close(core.Received, core.Emitted);
        _metrics = null;
    }

    /// <summary>An input read: counts the batch and, when nothing was ready, records the wait for input.</summary>
    private ValueTask<T> WaitingFor<T>(ValueTask<T> read)
    {
        _timeline?.CountBatch();
        _metrics?.BeforeRead(_core!.Received);
        if (read.IsCompleted || _timeline is null)
        {
            _metrics?.AfterRead();
            return read;
        }
        return AwaitInput(read, _timeline, _metrics);
    }

    /// <summary>An output send: when the edge had no room, records the stall (backpressure). A source counts its batches here.</summary>
    private ValueTask StalledBy(ValueTask send, EdgeWriter writer)
    {
        if (_plan!.InputCount == 0) _timeline?.CountBatch();
        _metrics?.BeforeSend(_core!.Emitted, _core.NextSequence);
        if (send.IsCompleted || _timeline is null)
        {
            _metrics?.SentAtOnce(writer.Edge);
            return send;
        }
        return AwaitOutputRoom(send, _timeline, _metrics, writer.Edge);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<T> AwaitInput<T>(ValueTask<T> read, NodeTimeline timeline, NodeMetrics? metrics)
    {
        timeline.Switch(PumpActivity.Waiting);
        try
        {
            return await read;
        }
        finally
        {
            timeline.Switch(PumpActivity.Busy);
            metrics?.AfterRead();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AwaitOutputRoom(ValueTask send, NodeTimeline timeline, NodeMetrics? metrics, Wire.OutputEdge edge)
    {
        timeline.Switch(PumpActivity.Stalled);
        var since = metrics?.StallStarts() ?? 0;
        try
        {
            await send;
        }
        finally
        {
            timeline.Switch(PumpActivity.Busy);
            metrics?.StallEnded(edge, since);
        }
    }
}
