using System.Buffers;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;

namespace Dagger.Orleans.Streaming.Nats;

/// <summary>
/// Reads one queue through its durable pull consumer, pulled continuously into a small buffer (<see cref="NatsQueueFeed"/>). A message is acknowledged only when the pulling agent reports
/// it delivered to every consumer (<see cref="MessagesDeliveredAsync"/>); anything else is redelivered by the server
/// after <see cref="NatsStreamOptions.AckWait"/> to whichever silo owns the queue then. On shutdown (the queue moves)
/// the held messages are rejected so the next owner gets them at once.
/// </summary>
internal sealed partial class NatsQueueAdapterReceiver : IQueueAdapterReceiver
{
    private static readonly TimeSpan EvictionPeriod = TimeSpan.FromSeconds(5);
    private readonly NatsJetStreamConnection _connection;
    private readonly int _queue;
    private readonly NatsStreamOptions _options;
    private readonly Serializer _serializer;
    private readonly ILogger _logger;
    private readonly FrameAssembler<NatsReceipt> _assembler;
    private readonly Dictionary<NatsMessageKey, NatsReceipt> _held = [];
    private readonly List<NatsReceipt> _evicted = [];
    private INatsJSConsumer? _consumer;
    private NatsQueueFeed? _feed;

    // Tokens count what this receiver handed to the cache. They must grow: Orleans' cache places and finds cursors by
    // token order, and the broker's sequence goes back whenever a message is redelivered.
    private long _lastToken;
    private long _lastEviction = Environment.TickCount64;
    private bool _shutDown;

    public NatsQueueAdapterReceiver(NatsJetStreamConnection connection, int queue, NatsStreamOptions options, Serializer serializer, ILoggerFactory loggerFactory)
    {
        _connection = connection;
        _queue = queue;
        _options = options;
        _serializer = serializer;
        _logger = loggerFactory.CreateLogger<NatsQueueAdapterReceiver>();
        _assembler = new FrameAssembler<NatsReceipt>(options.MaxMessageBytes);
    }

    public async Task Initialize(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        _consumer = await _connection.OpenConsumerAsync(_queue, cts.Token);
        LogConsumerOpened(_connection.ProviderName, _queue, _connection.Names.DurableName(_queue));
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (_shutDown) return [];
        var feed = _feed ??= await StartFeedAsync(cancellationToken);
        var batchSize = maxCount is > 0 ? Math.Min(maxCount, _options.FetchBatchSize) : _options.FetchBatchSize;
        var containers = new List<IBatchContainer>();
        try
        {
            // Nothing there: wait for the next message, so that it reaches its consumer as it comes rather than at
            // the pulling agent's next poll.
            if (await TakeAsync(feed, batchSize, containers) == 0 && _options.ReadWait > TimeSpan.Zero && await feed.WaitAsync(_options.ReadWait, cancellationToken))
            {
                await TakeAsync(feed, batchSize, containers);
            }
        }
        catch (NatsStreamProviderException e)
        {
            // The pull ended: what was taken is held already (its redeliveries are skipped), so it must reach the
            // cache; the next read opens the consumer again (it may have been made again by another silo).
            _feed = null;
            _consumer = null;
            await HandBackAsync(await feed.StopAsync());
            if (containers.Count == 0) throw;
            LogFetchInterrupted(e, _connection.ProviderName, _queue, containers.Count);
        }
        catch
        {
            // These never reach the cache: let their redeliveries in.
            foreach (var container in containers) Release((SerializedBatchContainer)container);
            throw;
        }

        await EvictStalePartialsAsync();
        return containers;
    }

    private async Task<NatsQueueFeed> StartFeedAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.FetchTimeout);
        // Initialize fails when the server is down as a silo takes the queue; the next read tries again.
        var consumer = _consumer ??= await _connection.OpenConsumerAsync(_queue, timeout.Token);
        return new NatsQueueFeed(consumer, _options.FetchBatchSize, $"NATS stream provider '{_connection.ProviderName}', queue {_queue}");
    }

    /// <summary>Takes up to <paramref name="batchSize"/> buffered messages into <paramref name="containers"/>; returns how many came (a chunk of a split batch adds no container until its last chunk).</summary>
    private async Task<int> TakeAsync(NatsQueueFeed feed, int batchSize, List<IBatchContainer> containers)
    {
        var read = 0;
        while (read < batchSize && feed.TryRead(out var msg))
        {
            read++;
            using var data = msg.Data;
            if (msg.Metadata is not { } metadata || msg.ReplyTo is null)
            {
                // Every JetStream delivery has both; a message without them cannot be acknowledged or placed.
                throw new InvalidOperationException($"NATS stream provider '{_connection.ProviderName}', queue {_queue}: a message on {msg.Subject} came without JetStream metadata");
            }

            var key = new NatsMessageKey(metadata.Sequence.Stream, metadata.Timestamp.UtcTicks);
            if (_held.TryGetValue(key, out var held))
            {
                // Redelivered after AckWait while still in the cache: the original is delivered and acknowledged
                // from there, with the newest delivery's ack subject.
                held.ReplyTo = msg.ReplyTo;
                continue;
            }

            var receipt = new NatsReceipt(key, msg.ReplyTo);
            if (await AcceptAsync(new ReadOnlySequence<byte>(data.Memory), receipt, msg.Subject) is { } container) containers.Add(container);
        }
        return read;
    }

    /// <summary>Messages the pull had buffered but nobody read go back to the server for the queue's next reader.</summary>
    private async Task HandBackAsync(List<INatsJSMsg<NatsMemoryOwner<byte>>> unread)
    {
        foreach (var msg in unread)
        {
            msg.Data.Dispose();
            try
            {
                // A redelivery of a message the cache holds is acknowledged from there.
                if (msg.ReplyTo is { } replyTo && msg.Metadata is { } metadata
                    && new NatsMessageKey(metadata.Sequence.Stream, metadata.Timestamp.UtcTicks) is var key && !_held.ContainsKey(key))
                {
                    await _connection.AcknowledgeAsync(new NatsReceipt(key, replyTo), redeliver: true);
                }
            }
            catch (Exception e) when (e is NatsException or OperationCanceledException or TimeoutException)
            {
                // Not lost: the server redelivers it after AckWait, or the queue's next owner rewinds the consumer.
                LogRejectFailed(e, _connection.ProviderName, _queue, 1);
            }
        }
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            switch ((messages[i] as SerializedBatchContainer)?.Receipt)
            {
                case NatsReceipt receipt:
                    await AcknowledgeAsync(receipt);
                    break;
                case NatsReceipt[] chunks:
                    foreach (var chunk in chunks) await AcknowledgeAsync(chunk);
                    break;
            }
        }
    }

    public async Task Shutdown(TimeSpan timeout)
    {
        _shutDown = true;
        _consumer = null;
        if (Interlocked.Exchange(ref _feed, null) is { } feed) await HandBackAsync(await feed.StopAsync());
        _assembler.Clear();
        if (_held.Count == 0) return;

        // The cache holding these is dropped with this receiver: hand them to the next owner now rather than after AckWait.
        var count = _held.Count;
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            foreach (var receipt in _held.Values) await _connection.AcknowledgeAsync(receipt, redeliver: true).AsTask().WaitAsync(cts.Token);
        }
        catch (Exception e) when (e is NatsException or OperationCanceledException or TimeoutException)
        {
            // Not lost: the server redelivers them after AckWait.
            LogRejectFailed(e, _connection.ProviderName, _queue, count);
        }
        _held.Clear();
    }

    private async ValueTask<SerializedBatchContainer?> AcceptAsync(ReadOnlySequence<byte> frame, NatsReceipt receipt, string subject)
    {
        try
        {
            switch (_assembler.Accept(frame, receipt, out var message))
            {
                case FrameStatus.Whole:
                    _held[receipt.Key] = receipt;
                    return StreamMessageReader.Read(_serializer, message.Body, new EventSequenceTokenV2(++_lastToken), receipt);
                case FrameStatus.Completed:
                    using (message)
                    {
                        var receipts = message.Receipts!;
                        foreach (var chunk in receipts) _held[chunk.Key] = chunk;
                        return StreamMessageReader.Read(_serializer, message.Body, new EventSequenceTokenV2(++_lastToken), receipts);
                    }
                default:
                    return null;
            }
        }
        catch (Exception e) when (e is InvalidDataException or SerializerException)
        {
            // A message no consumer can ever read would come back after every AckWait and block the queue: drop it, loudly.
            LogUnreadableMessage(e, _connection.ProviderName, _queue, subject, receipt.StreamSequence);
            _held.Remove(receipt.Key);
            await _connection.AcknowledgeAsync(receipt);
            return null;
        }
    }

    private void Release(SerializedBatchContainer container)
    {
        switch (container.Receipt)
        {
            case NatsReceipt receipt:
                _held.Remove(receipt.Key);
                break;
            case NatsReceipt[] chunks:
                foreach (var chunk in chunks) _held.Remove(chunk.Key);
                break;
        }
    }

    private async ValueTask AcknowledgeAsync(NatsReceipt receipt)
    {
        _held.Remove(receipt.Key);
        await _connection.AcknowledgeAsync(receipt);
    }

    private async Task EvictStalePartialsAsync()
    {
        if (_assembler.PartialCount == 0 || Environment.TickCount64 - _lastEviction < EvictionPeriod.TotalMilliseconds) return;
        _lastEviction = Environment.TickCount64;
        var dropped = _assembler.EvictStale(_options.PartialMessageTimeout, _evicted);
        if (dropped == 0) return;
        LogPartialDropped(_connection.ProviderName, _queue, dropped, _options.PartialMessageTimeout);
        foreach (var receipt in _evicted) await _connection.AcknowledgeAsync(receipt);
        _evicted.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS stream provider '{Provider}', queue {Queue}: a fetch broke off after {Count} message(s); passing those on")]
    private partial void LogFetchInterrupted(Exception exception, string provider, int queue, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "NATS stream provider '{Provider}': queue {Queue} reads through durable consumer '{Durable}'")]
    private partial void LogConsumerOpened(string provider, int queue, string durable);

    [LoggerMessage(Level = LogLevel.Error, Message = "NATS stream provider '{Provider}', queue {Queue}: dropped the unreadable message {Sequence} on {Subject}")]
    private partial void LogUnreadableMessage(Exception exception, string provider, int queue, string subject, ulong sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS stream provider '{Provider}', queue {Queue}: dropped {Count} split batch(es) whose remaining chunks did not come within {Timeout} (their producer was told the publish failed)")]
    private partial void LogPartialDropped(string provider, int queue, int count, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS stream provider '{Provider}', queue {Queue}: could not hand {Count} held message(s) back on shutdown; the server redelivers them after AckWait")]
    private partial void LogRejectFailed(Exception exception, string provider, int queue, int count);
}
