using System.Runtime.CompilerServices;
using Dagger.Orleans.Runtime.Timeline;
using Microsoft.Extensions.DependencyInjection;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The node's timeline (<see cref="NodeTimeline"/>): the pump says when it starts and stops running here, and wraps
/// the two places it can wait — reading input, sending output — so only a wait that really happens costs a clock read.
/// </summary>
internal sealed partial class NodeGrain
{
    private NodeTimeline? _timeline;

    /// <summary>Starts this stay's lane: the pump runs from now on.</summary>
    private void OpenTimeline()
    {
        // A source's batches are counted as they are sent, once per output edge: each weighs 1/outputs of a batch.
        var weight = _plan!.InputCount == 0 ? 1.0 / Math.Max(1, _plan.Outputs.Count) : 1.0;
        _timeline = ServiceProvider.GetRequiredService<TimelineStore>().Open(_plan.DagId, _plan.NodeId, _plan.Op, siloDetails.SiloAddress.ToString(), weight);
    }

    /// <summary>An input read: counts the batch and, when nothing was ready, records the wait for input.</summary>
    private ValueTask<T> WaitingFor<T>(ValueTask<T> read)
    {
        _timeline?.CountBatch();
        return read.IsCompleted || _timeline is null ? read : AwaitInput(read, _timeline);
    }

    /// <summary>An output send: when the edge had no room, records the stall (backpressure). A source counts its batches here.</summary>
    private ValueTask StalledBy(ValueTask send)
    {
        if (_plan!.InputCount == 0) _timeline?.CountBatch();
        return send.IsCompleted || _timeline is null ? send : AwaitOutputRoom(send, _timeline);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<T> AwaitInput<T>(ValueTask<T> read, NodeTimeline timeline)
    {
        timeline.Switch(PumpActivity.Waiting);
        try
        {
            return await read;
        }
        finally
        {
            timeline.Switch(PumpActivity.Busy);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AwaitOutputRoom(ValueTask send, NodeTimeline timeline)
    {
        timeline.Switch(PumpActivity.Stalled);
        try
        {
            await send;
        }
        finally
        {
            timeline.Switch(PumpActivity.Busy);
        }
    }
}
