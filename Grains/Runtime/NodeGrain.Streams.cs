using Dagger.Orleans.Wire;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The consumer side of <c>nats</c> and <c>mqtt</c> edges. The node subscribes implicitly to the streams of its
/// input ports (<see cref="EdgeStreams"/>); each batch the pulling agent delivers goes into the inbox, where the
/// edge's sequence numbers drop what the broker delivers twice and put the rest in order. A delivery waits while
/// the inbox is full, so the broker keeps what the node cannot take yet. The last sequence the pump has taken per
/// port is what the producer's window counts (<see cref="AwaitStreamPositionAsync"/>).
/// </summary>
[RegexImplicitStreamSubscription(EdgeStreams.NamespacePattern)]
internal sealed partial class NodeGrain : IStreamSubscriptionObserver
{
    // Per input port: the sequence of the last batch the pump took from the inbox. Batches are taken in sequence
    // order, so everything up to it has arrived; a producer that keeps within a window of it never sends a batch
    // the inbox has no slot for, so a delivery never waits on a batch that sits behind it at the broker.
    private long[] _streamTaken = [];
    private readonly List<(int Port, long Sequence, TaskCompletionSource<long> Reached)> _positionWaiters = [];

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        var port = EdgeStreams.PortOf(handleFactory.StreamId);
        await handleFactory.Create<Batch>().ResumeAsync(new EdgeStreamObserver(this, port));
    }

    private async Task OnStreamBatchAsync(int port, Batch batch)
    {
        // The pulling agent's cache keeps this very object and delivers it again if this delivery fails.
        batch.AdoptFromStreamCache();
        if (_inbox is null)
        {
            await RefuseOrDropAsync(batch);
            if (_inbox is null) return;
        }
        var sequence = batch.Sequence;
        // Moving: failing the delivery makes the pulling agent deliver it again, to the node's new activation.
        if (_departing is not null || !await _inbox.WriteAsync(port, batch))
            throw new NodeMovingException(_plan!.NodeId);
        // A durable node's delivery ends when the batch is processed and checkpointed: until then the broker keeps it.
        await WaitProcessedAsync(port, sequence);
    }

    public Task<long> AwaitStreamPositionAsync(int port, long sequence)
    {
        if (_inbox is null) return NotRunningPositionAsync();
        if ((uint)port >= (uint)_streamTaken.Length) throw new ArgumentOutOfRangeException(nameof(port), $"node '{_plan!.NodeId}' has no input port {port}");
        if (_inbox.IsClosed && _departing is null) return Task.FromResult(long.MaxValue);
        if (_streamTaken[port] >= sequence || _departing is not null) return Task.FromResult(_streamTaken[port]);
        var reached = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _positionWaiters.Add((port, sequence, reached));
        return AnswerWithinAsync(reached.Task, port);
    }

    /// <summary>
    /// Asked for a position while not running here: either the node is about to be started again (its silo died; the
    /// producer asks again after a pause, and this activation must stay for the start), or it has ended (nothing to
    /// wait for; this empty activation goes).
    /// </summary>
    private async Task<long> NotRunningPositionAsync()
    {
        // A durable node its run counts on starts itself here; the producer asks again and finds it running.
        if (await ResumeIfExpectedAsync()) return -1;
        if (await IsExpectedToRunAsync())
        {
            await Task.Delay(Resilience.ResiliencePipelines.StreamPositionPause, Pipelines.Time);
            return -1;
        }
        if (_plan is null) DeactivateOnIdle();
        return long.MaxValue;
    }

    /// <summary>Answers when the position is reached, or with where it is after a while: the producer asks again (no call waits near the response timeout).</summary>
    private async Task<long> AnswerWithinAsync(Task<long> reached, int port)
    {
        try
        {
            return await reached.WaitAsync(options.Value.MaxWait);
        }
        catch (TimeoutException)
        {
            return _streamTaken[port];
        }
    }

    /// <summary>The pump took batch <paramref name="sequence"/> of <paramref name="port"/>: producers waiting for that hear it.</summary>
    private void NoteTaken(int port, long sequence)
    {
        if ((uint)port >= (uint)_streamTaken.Length || sequence <= _streamTaken[port]) return;
        _streamTaken[port] = sequence;
        if (_positionWaiters.Count > 0) WakePositionWaiters();
    }

    private void WakePositionWaiters()
    {
        for (var i = _positionWaiters.Count - 1; i >= 0; i--)
        {
            var (port, sequence, reached) = _positionWaiters[i];
            if (_streamTaken[port] < sequence) continue;
            reached.TrySetResult(_streamTaken[port]);
            _positionWaiters.RemoveAt(i);
        }
    }

    /// <summary>The node stops taking input (it ended, or it moves): every producer waiting on it hears at once.</summary>
    private void ReleasePositionWaiters(bool ended)
    {
        foreach (var (port, _, reached) in _positionWaiters) reached.TrySetResult(ended ? long.MaxValue : _streamTaken[port]);
        _positionWaiters.Clear();
    }

    private sealed class EdgeStreamObserver(NodeGrain node, int port) : IAsyncObserver<Batch>
    {
        public Task OnNextAsync(Batch item, StreamSequenceToken? token = null) => node.OnStreamBatchAsync(port, item);

        public Task OnCompletedAsync() => Task.CompletedTask;

        // A stream error reaches the node as the failure of a delivery; nothing is held here to clean up.
        public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
    }
}

/// <summary>A delivery refused because the node is moving to another silo; the pulling agent delivers it again there.</summary>
[GenerateSerializer]
public sealed class NodeMovingException : Exception
{
    public NodeMovingException(string nodeId) : base($"node '{nodeId}' is moving to another silo") { }

    public NodeMovingException() { }

    public NodeMovingException(string message, Exception inner) : base(message, inner) { }
}
