using Dagger.Orleans.Runtime.Resilience;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// Sends an edge's batches to a consumer on another silo. While fewer than <c>maxCalls</c> calls are in flight a
/// batch goes out at once, alone; once they are all in flight, batches wait and the next call carries every
/// one that piled up (up to <c>maxGroup</c>), so under load one message moves many batches — a message across
/// silos costs the same few microseconds whether it carries one batch or eight. A call completes when the
/// consumer's inbox has a slot for each of its batches: the producer waits when all calls are out and a group
/// is full, which bounds the edge to maxCalls × maxGroup batches in flight.
/// </summary>
/// <remarks>Used only from the producer's activation (its pump and call continuations, on its scheduler).</remarks>
internal sealed class RemoteBatchSender(INodeGrain consumer, int port, int maxCalls, int maxGroup, ResiliencePipelines pipelines)
{
    private readonly Queue<Task> _calls = new();
    private readonly List<Batch> _pending = [];

    public async ValueTask SendAsync(Batch batch)
    {
        _pending.Add(batch);
        ThrowIfAnyCallFailed();
        if (_calls.Count < maxCalls)
        {
            Flush();
            return;
        }
        while (_pending.Count >= maxGroup)
        {
            await _calls.Peek();
            ThrowIfAnyCallFailed();
            if (_calls.Count < maxCalls) Flush();
        }
    }

    public async Task DrainAsync()
    {
        Flush();
        while (_calls.Count > 0) await _calls.Dequeue();
    }

    private void Flush()
    {
        if (_pending.Count == 0) return;
        var group = _pending.ToArray();
        _pending.Clear();
        var call = Push(group);
        _calls.Enqueue(call);
        // Batches that piled up go out when a call returns, not only at the producer's next send: a producer
        // that has gone quiet (waiting for its own input) must not hold them back.
        call.ContinueWith(static (_, state) => ((RemoteBatchSender)state!).OnCallReturned(), this,
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Current);
    }

    /// <summary>
    /// One call, and, when the consumer did not take every batch, calls again until it has them all, on the
    /// <see cref="ResiliencePipelines.RemotePushName"/> schedule (<see cref="PushProgress"/>): at once when it was busy
    /// (its inbox had no room within its wait; a slow consumer is no fault) or the call was lost, after a pause when it
    /// refused (moving).
    /// </summary>
    private Task Push(Batch[] group)
    {
        var call = consumer.PushAsync(port, group);
        if (call.IsCompletedSuccessfully && call.Result.Accepted == group.Length)
        {
            _endTaken |= group[^1].Final;
            return Task.CompletedTask;
        }
        return PushRestAsync(call, group);
    }

    private async Task PushRestAsync(ValueTask<PushReply> first, Batch[] group)
    {
        // Every try runs in the producer's turn: it reads Closed and _endTaken, which the producer's other calls write.
        var progress = new PushProgress(group);
        await pipelines.RemotePush.ExecuteInGrainTurnAsync(async _ =>
        {
            var (reply, lost) = await Answer(progress.AwaitsFirstAnswer ? first : consumer.PushAsync(port, group[progress.Accepted..]));
            progress.Note(reply, lost, Closed, _endTaken, pipelines.Time.GetTimestamp());
            return progress;
        });
        switch (progress.Last)
        {
            case PushAnswer.Lost:
                throw new TimeoutException($"{progress.LostInARow} calls in a row to consumer {consumer.GetPrimaryKeyString()} were lost (no answer): it is unreachable");
            case PushAnswer.Refused:
                throw new TimeoutException($"consumer {consumer.GetPrimaryKeyString()} refused batches for {PushProgress.RefusalLimit.TotalSeconds:0} s: it is not running (did its silo die?)");
            case PushAnswer.Delivered:
                _endTaken |= progress.Accepted == group.Length && group[^1].Final;
                break;
        }
    }

    /// <summary>A call's answer said the consumer took this edge's end of stream.</summary>
    private bool _endTaken;

    /// <summary>True once the consumer said it needs nothing more: batches it refused are not sent again.</summary>
    public bool Closed { get; set; }

    /// <summary>
    /// A call that found the consumer's old silo gone (it moved away, and that silo shut down) counts as refused and
    /// goes again, to where the directory now places the consumer. A call that got no answer (timed out: the request or
    /// its reply lost on the way) is lost: what it carried goes again at once. Batches either may have delivered come
    /// again and are dropped by sequence number. Had the silo died with the consumer on it, the run fails for that.
    /// </summary>
    private static async ValueTask<(PushReply Reply, bool Lost)> Answer(ValueTask<PushReply> call)
    {
        try
        {
            return (await call, false);
        }
        catch (Exception e) when (SiloLoss.IsCallLost(e))
        {
            // Rejected on the way (the consumer's activation was going away as the call reached it): same as refused.
            return (new PushReply(0, Busy: false), false);
        }
        catch (TimeoutException)
        {
            return (new PushReply(0, Busy: false), true);
        }
    }

    private void OnCallReturned()
    {
        if (ReapReturnedCalls() is null && _calls.Count < maxCalls) Flush();
    }

    private void ThrowIfAnyCallFailed()
    {
        if (ReapReturnedCalls() is { } failure) throw failure;
    }

    /// <summary>Drops returned calls from the head of the queue; the first failure among them, if any.</summary>
    private Exception? ReapReturnedCalls()
    {
        while (_calls.Count > 0 && _calls.Peek().IsCompleted)
        {
            var call = _calls.Peek();
            if (!call.IsCompletedSuccessfully) return call.Exception?.InnerException ?? new TaskCanceledException(call);
            _calls.Dequeue();
        }
        return null;
    }
}
