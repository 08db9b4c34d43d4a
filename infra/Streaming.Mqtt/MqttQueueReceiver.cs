using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MQTTnet;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;

namespace Dagger.Orleans.Streaming.Mqtt;

/// <summary>
/// Reads one queue: a persistent-session MQTT subscriber whose client id is the queue's, so the silo that owns the queue
/// resumes the session and gets what the previous owner never acknowledged. Messages are acknowledged (PUBACK) only
/// when Orleans reports them delivered to every consumer (<see cref="MessagesDeliveredAsync"/>). The broker sends at most
/// <see cref="MqttStreamOptions.ReceiveMaximum"/> un-acknowledged messages, which bounds the buffer and slows the queue
/// down when its consumers fall behind.
/// </summary>
internal sealed class MqttQueueReceiver : IQueueAdapterReceiver, IAsyncDisposable
{
    /// <summary>What acknowledges one broker message: only on the connection that received it (a new connection gets every un-acknowledged message again).</summary>
    private sealed record Receipt(MqttApplicationMessageReceivedEventArgs Message, int Generation);

    private static readonly IList<IBatchContainer> NoMessages = Array.Empty<IBatchContainer>();
    private readonly MqttStreamOptions _options;
    private readonly string _providerName;
    private readonly uint _queue;
    private readonly string _topic;
    private readonly string _clientId;
    private readonly Serializer _serializer;
    private readonly ILogger _logger;
    private readonly Channel<SerializedBatchContainer> _buffer;
    private readonly FrameAssembler<Receipt> _assembler;
    private readonly Lock _assemblerLock = new();
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _reconnectLock = new();
    private IMqttClient? _client;
    private int _generation;
    private long _nextSequence = DateTime.UtcNow.Ticks;
    private long _lastStaleCheck = Environment.TickCount64;
    private Task? _reconnect;
    private Exception? _reconnectFailure;
    private volatile bool _shutDown;

    public MqttQueueReceiver(MqttStreamOptions options, MqttNames names, string providerName, uint queue, Serializer serializer, ILogger logger)
    {
        _options = options;
        _providerName = providerName;
        _queue = queue;
        _topic = names.QueueTopic(queue);
        _clientId = names.ReceiverClientId(queue);
        _serializer = serializer;
        _logger = logger;

        // Twice the receive maximum: after a reconnect the broker sends every un-acknowledged message again while the
        // previous connection's copies may still be buffered (both are delivered; duplicates are allowed, loss is not).
        _buffer = Channel.CreateBounded<SerializedBatchContainer>(new BoundedChannelOptions(2 * options.ReceiveMaximum) { SingleReader = true, SingleWriter = false });
        _assembler = new FrameAssembler<Receipt>(options.MaxMessageBytes);
    }

    public bool IsShutDown => _shutDown;

    public uint Queue => _queue;

    /// <summary>Connected to the broker and subscribed: this silo reads the queue now.</summary>
    public bool IsConnected => _client is { IsConnected: true };

    public async Task Initialize(TimeSpan timeout)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        cancellation.CancelAfter(timeout);
        await ConnectAsync(cancellation.Token).ConfigureAwait(false);
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (_shutDown) return Task.FromResult(NoMessages);
        EnsureConnectedOrReconnecting();
        DropStaleChunksWhenDue();
        if (TryTake(maxCount) is { } messages) return Task.FromResult(messages);
        return _options.ReadWait > TimeSpan.Zero ? WaitAndTakeAsync(maxCount, cancellationToken) : Task.FromResult(NoMessages);
    }

    private IList<IBatchContainer>? TryTake(int maxCount)
    {
        var reader = _buffer.Reader;
        if (!reader.TryRead(out var first)) return null;
        var limit = maxCount <= 0 ? int.MaxValue : maxCount;
        var messages = new List<IBatchContainer>(Math.Min(limit, reader.Count + 1)) { first };
        while (messages.Count < limit && reader.TryRead(out var next)) messages.Add(next);
        return messages;
    }

    /// <summary>
    /// An empty queue: wait (up to <see cref="MqttStreamOptions.ReadWait"/>) for the next message, so that it reaches its
    /// consumer now rather than at the pulling agent's next poll. The agent's other work waits meanwhile, and there is
    /// none while nothing arrives.
    /// </summary>
    private async Task<IList<IBatchContainer>> WaitAndTakeAsync(int maxCount, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        wait.CancelAfter(_options.ReadWait);
        try
        {
            if (!await _buffer.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false)) return NoMessages;
        }
        catch (OperationCanceledException)
        {
            // Waited long enough, or shutting down (the pulling agent checks its token itself): nothing this time.
            return NoMessages;
        }
        return _shutDown ? NoMessages : TryTake(maxCount) ?? NoMessages;
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            switch ((messages[i] as SerializedBatchContainer)?.Receipt)
            {
                case Receipt receipt:
                    await AcknowledgeAsync(receipt, cancellationToken).ConfigureAwait(false);
                    break;
                case Receipt[] chunks:
                    foreach (var chunk in chunks) await AcknowledgeAsync(chunk, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    public async Task Shutdown(TimeSpan timeout)
    {
        if (_shutDown) return;
        _shutDown = true;
        _stopping.Cancel();
        var reconnect = _reconnect;
        if (reconnect is not null) await reconnect.ConfigureAwait(false);
        await _connectLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var client = _client;
            _client = null;
            if (client is not null) await DisconnectAsync(client, timeout).ConfigureAwait(false);
        }
        finally
        {
            _connectLock.Release();
        }

        // What was buffered or half-assembled was never acknowledged: the queue's next owner gets it from the session.
        while (_buffer.Reader.TryRead(out _))
        {
        }

        lock (_assemblerLock) _assembler.Clear();
        _logger.ReceiverShutDown(_providerName, _queue);
    }

    public async ValueTask DisposeAsync() => await Shutdown(_options.ConnectTimeout).ConfigureAwait(false);

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        IMqttClient? client = null;
        try
        {
            if (_shutDown) return;
            if (_client is { IsConnected: true }) return;

            // A fresh client per connection: messages of the old one can no longer be acknowledged, and are not (see Receipt).
            var generation = Interlocked.Increment(ref _generation);
            client = new MqttClientFactory().CreateMqttClient();
            var connected = client;
            client.ApplicationMessageReceivedAsync += e => OnMessageAsync(e, generation);
            client.DisconnectedAsync += e => OnDisconnectedAsync(connected, e);
            var clientOptions = MqttConnector.BuildOptions(_options, _clientId, persistentSession: true);
            var result = await MqttConnector.ConnectAsync(client, clientOptions, _options, _providerName, cancellationToken).ConfigureAwait(false);
            await MqttQueueSubscription.SubscribeAsync(client, _topic, _options, _providerName, cancellationToken).ConfigureAwait(false);
            var previous = _client;
            _client = client;
            client = null;
            previous?.Dispose();
            _logger.ReceiverConnected(_providerName, _queue, _clientId, _options.Endpoint, result.IsSessionPresent);
        }
        finally
        {
            client?.Dispose();
            _connectLock.Release();
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e, int generation)
    {
        e.AutoAcknowledge = false;
        if (e.ApplicationMessage.Dup && _logger.IsEnabled(LogLevel.Debug)) _logger.Redelivered(_providerName, _queue, e.PacketIdentifier);
        var receipt = new Receipt(e, generation);
        SerializedBatchContainer? container = null;
        lock (_assemblerLock)
        {
            try
            {
                switch (_assembler.Accept(e.ApplicationMessage.Payload, receipt, out var assembled))
                {
                    case FrameStatus.Whole:
                        container = StreamMessageReader.Read(_serializer, assembled.Body, NextToken(), receipt);
                        break;
                    case FrameStatus.Completed:
                        using (assembled) container = StreamMessageReader.Read(_serializer, assembled.Body, NextToken(), assembled.Receipts);
                        break;
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                _logger.UnreadableMessage(_providerName, _queue, error);
            }
        }

        if (container is not null) await _buffer.Writer.WriteAsync(container, _stopping.Token).ConfigureAwait(false);
    }

    private EventSequenceTokenV2 NextToken() => new(_nextSequence++);

    private Task OnDisconnectedAsync(IMqttClient client, MqttClientDisconnectedEventArgs e)
    {
        if (_shutDown || !e.ClientWasConnected || !ReferenceEquals(client, _client)) return Task.CompletedTask;
        var takenOver = e.Reason == MqttClientDisconnectReason.SessionTakenOver;
        if (takenOver) _logger.ReceiverSessionTakenOver(_providerName, _queue, _clientId, _options.MaxRetryDelay);
        else _logger.ReceiverDisconnected(_providerName, _queue, e.Reason.ToString(), e.Exception);
        StartReconnect(takenOver);
        return Task.CompletedTask;
    }

    /// <summary>After a failed start or a reconnect round that gave up, a read starts a new round; a round that gave up surfaces its error once.</summary>
    private void EnsureConnectedOrReconnecting()
    {
        var failure = Interlocked.Exchange(ref _reconnectFailure, null);
        if (_client is { IsConnected: true }) return;
        StartReconnect(takenOver: false);
        if (failure is not null)
        {
            throw new MqttStreamException($"MQTT stream provider '{_providerName}': queue {_queue} is not connected to the broker at {_options.Endpoint} "
                + $"(MqttStreamOptions.Server/Port, RetryAttempts): {failure.Message}; retrying", failure);
        }
    }

    private void StartReconnect(bool takenOver)
    {
        lock (_reconnectLock)
        {
            if (_shutDown || _reconnect is { IsCompleted: false }) return;
            _reconnect = Task.Run(() => ReconnectAsync(takenOver));
        }
    }

    private async Task ReconnectAsync(bool takenOver)
    {
        // After a takeover, wait long: if the queue really moved to another silo, this one's agent shuts the receiver down meanwhile.
        var delay = takenOver ? _options.MaxRetryDelay : _options.RetryDelay;
        Exception? lastError = null;
        try
        {
            for (var attempt = 1; attempt <= _options.RetryAttempts; attempt++)
            {
                await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
                delay = Backoff.Next(delay, _options.MaxRetryDelay);
                try
                {
                    await ConnectAsync(_stopping.Token).ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (!_stopping.IsCancellationRequested)
                {
                    lastError = e;
                    _logger.ReconnectAttemptFailed(_providerName, _queue, attempt, _options.RetryAttempts, e);
                }
                catch (Exception) when (_stopping.IsCancellationRequested)
                {
                    // Shut down while connecting: the interrupted connect's error ("Connection closed" while
                    // authenticating) is the shutdown's own doing, and Shutdown awaits this task — rethrowing it failed
                    // a silo's orderly stop (seen once under load in Durability.DurableRunTests).
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }

        if (lastError is null) return;
        _logger.ReconnectGaveUp(_providerName, _queue, _options.RetryAttempts, lastError);
        _reconnectFailure = lastError;
    }

    private async Task AcknowledgeAsync(Receipt receipt, CancellationToken cancellationToken)
    {
        // A message of an earlier connection is already on its way again (the broker re-sends what was not acknowledged
        // on the session's previous connection); its packet id means nothing on this one.
        if (receipt.Generation != Volatile.Read(ref _generation) || _client is not { IsConnected: true }) return;
        try
        {
            await receipt.Message.AcknowledgeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.AcknowledgeFailed(_providerName, _queue, e);
        }
    }

    private void DropStaleChunksWhenDue()
    {
        var now = Environment.TickCount64;
        if (now - _lastStaleCheck < 1000) return;
        _lastStaleCheck = now;
        List<Receipt> evicted = [];
        int dropped;
        lock (_assemblerLock) dropped = _assembler.EvictStale(_options.StaleChunkTimeout, evicted);
        if (dropped == 0) return;

        // Their producer got an error for the unfinished publish; acknowledging the pieces lets the broker forget them.
        _logger.StaleChunksDropped(_providerName, _queue, dropped, _options.StaleChunkTimeout);
        foreach (var receipt in evicted) _ = AcknowledgeAsync(receipt, CancellationToken.None);
    }

    private async Task DisconnectAsync(IMqttClient client, TimeSpan timeout)
    {
        try
        {
            if (client.IsConnected)
            {
                using var cancellation = new CancellationTokenSource(timeout);

                // A normal disconnect keeps the session: its subscription and un-acknowledged messages wait for the next owner.
                await client.DisconnectAsync(new MqttClientDisconnectOptions { Reason = MqttClientDisconnectOptionsReason.NormalDisconnection }, cancellation.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            _logger.DisconnectFailed(_providerName, _options.Endpoint, e);
        }
        finally
        {
            client.Dispose();
        }
    }
}
