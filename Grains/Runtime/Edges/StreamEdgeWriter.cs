using Dagger.Orleans.Runtime.Resilience;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The producer side of a <c>nats</c> or <c>mqtt</c> edge: batches go to an Orleans persistent stream on our broker
/// provider, which stores them before <c>OnNextAsync</c> completes. Brokers never slow a producer down, so the window
/// is ours: at most a window of batches may be published and not yet taken into the consumer's inbox; past that
/// the producer asks the consumer how far it has got, and that call returns once it has got far enough. The
/// broker's backlog per edge is thereby bounded by a window of batches, and a slow consumer slows its producer.
/// </summary>
/// <remarks>
/// Up to <c>maxPublishes</c> publishes are in flight at once: a broker's store-and-acknowledge round trip per batch,
/// one after another, would cap an edge far below what the broker takes. They leave in sequence order, and the broker
/// keeps that order unless a publish has to be retried (a broker restart); then a later batch may be stored before an
/// earlier one, which a node's inbox puts back in order — except a durable node's, whose delivery of a batch waits
/// until it is processed and so would wait for good on the earlier batch behind it. So where nodes may be durable the
/// caller passes 1. A publish's failure surfaces at the next send or at <see cref="DrainAsync"/>, which the node calls
/// before it ends, moves or checkpoints.
/// </remarks>
internal sealed partial class StreamEdgeWriter(IAsyncStream<Batch> stream, INodeGrain consumer, OutputEdge edge, int window, int maxPublishes, TimeSpan stallAfter,
    ResiliencePipelines pipelines, ILogger logger, CancellationToken cancellation)
    : EdgeWriter(edge)
{
    private readonly Queue<Task> _publishes = new();

    // Sent and not yet passed by the consumer's position, oldest first: what is sent again when a broker lost a batch.
    private readonly Queue<Batch> _retained = new();

    // The highest sequence the consumer has taken from the stream, as last heard.
    private long _taken = -1;

    // The question to the consumer how far it has got, while one is out.
    private Task<long>? _position;

    public override bool Closed { get; set; }

    public override async ValueTask SendAsync(Batch batch)
    {
        var handedOver = false;
        try
        {
            ThrowIfAnyPublishFailed();
            if (_position is { IsCompleted: true }) await TakePositionAsync();
            while (!Closed && batch.Sequence - _taken > window)
            {
                cancellation.ThrowIfCancellationRequested();
                _position ??= PositionAsync(batch.Sequence - window / 2);
                await TakePositionAsync();
            }
            if (Closed) return;
            // Half the window is out: ask now how far the consumer has got, so that the answer is back before the
            // window is full and the producer never stands still waiting for it.
            if (_position is null && batch.Sequence - _taken > window / 2) _position = PositionAsync(batch.Sequence - window / 2);
            while (_publishes.Count >= maxPublishes) await _publishes.Dequeue();
            var publish = stream.OnNextAsync(batch);
            handedOver = true;
            // Kept (this writer's holder) until the consumer's position passes it: stored is not yet delivered, and a
            // broker may lose what it acknowledged (mosquitto killed before it saved its queues).
            _retained.Enqueue(batch);
            if (maxPublishes <= 1 || publish.IsCompleted) await publish;
            else _publishes.Enqueue(publish);
        }
        finally
        {
            if (!handedOver) batch.Release();
        }
    }

    /// <summary>Completes once every batch sent is stored by the broker; throws the first publish that failed.</summary>
    public override async Task DrainAsync()
    {
        while (_publishes.Count > 0) await _publishes.Dequeue();
    }

    /// <summary>
    /// Completes once the consumer has taken every batch sent, up to <paramref name="lastSequence"/> (the end of the
    /// stream), sending again what a broker lost on the way; or once the consumer needs nothing more.
    /// </summary>
    public override async Task CompleteAsync(long lastSequence)
    {
        await DrainAsync();
        while (!Closed && _taken < lastSequence)
        {
            cancellation.ThrowIfCancellationRequested();
            _position ??= PositionAsync(lastSequence);
            await TakePositionAsync();
        }
        ReleaseRetained(long.MaxValue);
    }

    /// <summary>Lets go of the retained batches the consumer has taken.</summary>
    private void ReleaseRetained(long upTo)
    {
        while (_retained.Count > 0 && _retained.Peek().Sequence <= upTo) _retained.Dequeue().Release();
    }

    /// <summary>
    /// The consumer stood still for a whole position wait with batches of ours still ahead of it: the one it waits for
    /// was lost on the way (a broker that lost what it acknowledged). That one goes again — and, when the consumer then
    /// stops right behind what was sent again, twice as many the next time (a broker crash loses a run of batches, not
    /// one): an isolated loss costs one batch of traffic, a lost run a few waits, and no resend ever floods the broker
    /// (a provider's cache that fills with duplicates stops reading, and would hide the very batch that was resent).
    /// </summary>
    private async Task ResendAsync()
    {
        var first = _taken + 1;
        _resendBurst = _taken == _lastResent ? Math.Min(_resendBurst * 2, Math.Max(1, window)) : 1;
        var sent = 0;
        foreach (var batch in _retained)
        {
            if (batch.Sequence < first) continue;
            if (sent == _resendBurst) break;
            _resendBuffer.Add(batch);
            sent++;
        }
        LogResending(logger, consumer.GetPrimaryKeyString(), Edge.Port, _taken, sent);
        try
        {
            foreach (var batch in _resendBuffer)
            {
                await stream.OnNextAsync(batch);
                _lastResent = batch.Sequence;
            }
        }
        finally
        {
            _resendBuffer.Clear();
        }
    }

    // How many batches the next resend sends, and the last one sent again.
    private int _resendBurst = 1;
    private long _lastResent = long.MinValue;
    private readonly List<Batch> _resendBuffer = [];

    /// <summary>Forgets the publishes at the head that are stored; throws the first that failed, so the node fails with it.</summary>
    private void ThrowIfAnyPublishFailed()
    {
        while (_publishes.Count > 0 && _publishes.Peek().IsCompleted) _publishes.Dequeue().GetAwaiter().GetResult();
    }

    private async Task TakePositionAsync()
    {
        var position = _position!;
        _position = null;
        var answer = await position;
        if (answer == StillWaiting && _retained.Count > 0 && _retained.Peek().Sequence <= _taken + 1 && !Closed)
        {
            await ResendAsync();
            return;
        }
        if (answer > _taken)
        {
            _taken = answer;
            ReleaseRetained(answer);
        }
    }

    // What PositionAsync answers when the consumer did not move during a whole wait.
    private const long StillWaiting = long.MinValue;

    /// <summary>
    /// The consumer's position, asked on the <see cref="ResiliencePipelines.StreamPositionName"/> schedule: while its
    /// silo is gone the question is asked again (a durable consumer is started again elsewhere from its checkpoint, and
    /// a run that cannot go on is failed, and this node cancelled, by the DAG grain). Unknown (-1) once the consumer
    /// needs nothing more. Every try runs in the node's turn: it reads what the pump writes.
    /// </summary>
    private async Task<long> PositionAsync(long wanted)
    {
        try
        {
            return await pipelines.StreamPosition.ExecuteInGrainTurnAsync(_ => AskPositionAsync(wanted), cancellation);
        }
        catch (Exception e) when (cancellation.IsCancellationRequested && SiloLoss.IsCallLost(e))
        {
            // Cancelled while the consumer was out of reach: Polly then ends with the last lost call, where the pause
            // before the next question would have thrown the cancellation; the node stops as cancelled, not as failed.
            throw new OperationCanceledException($"cancelled while consumer {consumer.GetPrimaryKeyString()} was out of reach", e, cancellation);
        }
    }

    private async ValueTask<long> AskPositionAsync(long wanted)
    {
        if (Closed) return -1;
        var before = _taken;
        var asked = pipelines.Time.GetTimestamp();
        var answer = await consumer.AwaitStreamPositionAsync(Edge.Port, wanted);
        // Not reached, and exactly where it was, after the consumer waited its whole MaxWait for it: it stands still.
        // (An early answer at the same place — a consumer moving, or restarting — is no evidence of a loss.)
        var waitedFully = pipelines.Time.GetElapsedTime(asked) >= stallAfter * 0.9;
        return answer < wanted && answer == before && waitedFully ? StillWaiting : answer;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "edge into {Consumer} port {Port}: the consumer stood still after batch {Taken}; sending {Count} retained batches again")]
    private static partial void LogResending(ILogger logger, string consumer, int port, long taken, int count);
}
