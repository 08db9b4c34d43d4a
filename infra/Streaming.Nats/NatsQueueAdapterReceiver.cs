using System.Buffers;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;

namespace Dagger.Orleans.Streaming.Nats;

/// <summary>
/// Reads one queue through its durable pull consumer. A message is acknowledged only when the pulling agent reports
/// it delivered to every consumer (<see cref="MessagesDeliveredAsync"/>); anything else is redelivered by the server
/// after <see cref="NatsStreamOptions.AckWait"/> to whichever silo owns the queue then. On shutdown (the queue moves)
/// the held messages are rejected so the next owner gets them at once.
/// </summary>
internal sealed partial class NatsQueueAdapterReceiver : IQueueAdapterReceiver
{
    private static readonly TimeSpan EvictionPeriod = TimeSpan.FromSeconds(5);
    private static readonly NatsRawSerializer<NatsMemoryOwner<byte>> Raw = NatsRawSerializer<NatsMemoryOwner<byte>>.Default;
    private readonly NatsJetStreamConnection _connection;
    private readonly int _queue;
    private readonly NatsStreamOptions _options;
    private readonly Serializer _serializer;
    private readonly ILogger _logger;
    private readonly FrameAssembler<NatsReceipt> _assembler;
    private readonly Dictionary<NatsMessageKey, NatsReceipt> _held = [];
    private readonly List<NatsReceipt> _evicted = [];
    private INatsJSConsumer? _consumer;

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
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.FetchTimeout);

        // Initialize fails when the server is down as a silo takes the queue; the next read tries again.
        var consumer = _consumer ??= await _connection.OpenConsumerAsync(_queue, timeout.Token);
        var batchSize = maxCount is > 0 ? Math.Min(maxCount, _options.FetchBatchSize) : _options.FetchBatchSize;
        var containers = new List<IBatchContainer>();
        var fetch = new NatsJSFetchOpts { MaxMsgs = batchSize };
        try
        {
            var read = await ReadAsync(consumer.FetchNoWaitAsync(fetch, Raw, timeout.Token), containers);
            if (read == 0 && _options.ReadWait > TimeSpan.Zero && !_shutDown)
            {
                // Nothing there: wait at the server for the next message, so that it reaches its consumer now rather
                // than a poll period later, then take what came with it. The pull request is never given up early
                // (only at shutdown): a message the server sent to a pull request nobody reads any more would wait
                // for AckWait, and the messages behind it would reach an in-order consumer with a gap before them.
                read = await ReadAsync(consumer.FetchAsync(new NatsJSFetchOpts { MaxMsgs = 1, Expires = _options.ReadWait }, Raw, timeout.Token), containers);
                if (read > 0 && batchSize > 1) await ReadAsync(consumer.FetchNoWaitAsync(fetch with { MaxMsgs = batchSize - 1 }, Raw, timeout.Token), containers);
            }
        }
        catch (Exception e) when (containers.Count > 0 && e is NatsException or OperationCanceledException or TimeoutException)
        {
            // The connection dropped mid-fetch. What was read is held already (its redeliveries are skipped), so it
            // must reach the cache now; the next read meets the failure again if it lasts.
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

    /// <summary>Reads one pull request's messages into <paramref name="containers"/>; returns how many messages came (a chunk of a split batch adds no container until its last chunk).</summary>
    private async Task<int> ReadAsync(IAsyncEnumerable<INatsJSMsg<NatsMemoryOwner<byte>>> messages, List<IBatchContainer> containers)
    {
        var read = 0;
        await foreach (var msg in messages)
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
