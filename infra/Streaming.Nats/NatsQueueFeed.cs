using System.Threading.Channels;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Dagger.Orleans.Streaming.Nats;

/// <summary>
/// Keeps one queue's messages coming: a continuous pull on the queue's durable consumer (NATS.Net's
/// <c>ConsumeAsync</c>, which tops its pull requests up as messages arrive) into a bounded buffer that the receiver's
/// reads take from. A read then costs no round trip to the server, and a message that arrives while the pulling agent
/// waits is there at once. The buffer's bound (with the pull's own) keeps a slow queue's backlog at the server.
/// </summary>
/// <remarks>
/// The pull runs on the thread pool, not on the pulling agent's scheduler. A pull that fails (the consumer was
/// deleted, the connection failed for good) completes the buffer with its error: reads get what was buffered first,
/// then the error.
/// </remarks>
internal sealed class NatsQueueFeed
{
    private static readonly NatsRawSerializer<NatsMemoryOwner<byte>> Raw = NatsRawSerializer<NatsMemoryOwner<byte>>.Default;
    private readonly Channel<INatsJSMsg<NatsMemoryOwner<byte>>> _buffer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pulling;

    public NatsQueueFeed(INatsJSConsumer consumer, int batchSize, string description)
    {
        _buffer = Channel.CreateBounded<INatsJSMsg<NatsMemoryOwner<byte>>>(new BoundedChannelOptions(batchSize) { SingleReader = true, SingleWriter = true });
        _pulling = Task.Run(() => PullAsync(consumer, batchSize, description));
    }

    public bool TryRead(out INatsJSMsg<NatsMemoryOwner<byte>> message) => _buffer.Reader.TryRead(out message!);

    /// <summary>
    /// Waits up to <paramref name="wait"/> (or until cancelled) for a message to read; false when none came. Throws what ended the pull
    /// once everything buffered before it was read.
    /// </summary>
    public async ValueTask<bool> WaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waiting.CancelAfter(wait);
        try
        {
            if (await _buffer.Reader.WaitToReadAsync(waiting.Token).ConfigureAwait(false)) return true;
            throw new NatsStreamProviderException("the continuous pull was stopped");
        }
        catch (OperationCanceledException)
        {
            // Waited long enough, or the pulling agent is stopping (it checks its token itself): nothing this time.
            return false;
        }
    }

    /// <summary>Stops the pull; answers the messages it had buffered, which nobody read (the caller hands them back).</summary>
    public async Task<List<INatsJSMsg<NatsMemoryOwner<byte>>>> StopAsync()
    {
        _stop.Cancel();
        try
        {
            await _pulling.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The pull's failure went to the buffer, where a read meets it; stopping is all that is left to do.
        }
        var unread = new List<INatsJSMsg<NatsMemoryOwner<byte>>>();
        while (_buffer.Reader.TryRead(out var message)) unread.Add(message);
        _stop.Dispose();
        return unread;
    }

    private async Task PullAsync(INatsJSConsumer consumer, int batchSize, string description)
    {
        INatsJSMsg<NatsMemoryOwner<byte>>? pending = null;
        try
        {
            await foreach (var message in consumer.ConsumeAsync(Raw, new NatsJSConsumeOpts { MaxMsgs = batchSize }, _stop.Token).ConfigureAwait(false))
            {
                pending = message;
                await _buffer.Writer.WriteAsync(message, _stop.Token).ConfigureAwait(false);
                pending = null;
            }
            _buffer.Writer.TryComplete(_stop.IsCancellationRequested ? null : new NatsStreamProviderException($"{description}: the continuous pull ended"));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            _buffer.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _buffer.Writer.TryComplete(new NatsStreamProviderException($"{description}: the continuous pull failed: {e.Message}", e));
        }
        finally
        {
            // Caught between the pull and the buffer by a stop: never read, so never held; the server delivers it again.
            pending?.Data.Dispose();
        }
    }
}
