using System.Buffers;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Dagger.Orleans.Streaming.Mqtt;

/// <summary>
/// The one connection a silo (or client) publishes on: QoS 1, each publish awaits the broker's PUBACK. A publish that
/// fails (broker down, restarting, no PUBACK in time) reconnects and tries again with growing delays, and throws to
/// the producer after <see cref="MqttStreamOptions.RetryAttempts"/> attempts: an event is never lost silently.
/// </summary>
internal sealed class MqttPublisher : IAsyncDisposable
{
    private readonly MqttStreamOptions _options;
    private readonly MqttNames _names;
    private readonly string _providerName;
    private readonly MqttSessionProvisioner _provisioner;
    private readonly ILogger _logger;
    private readonly IMqttClient _client;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private readonly MqttReplayRing _replay;
    private uint _maximumPacketSize;
    private long _lostAt;

    public MqttPublisher(MqttStreamOptions options, MqttNames names, string providerName, ILogger logger)
    {
        _options = options;
        _names = names;
        _providerName = providerName;
        _logger = logger;
        _provisioner = new MqttSessionProvisioner(options, names, providerName);
        _replay = new MqttReplayRing(options.CrashReplayWindow, options.CrashReplayMaxBytes);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected) Interlocked.CompareExchange(ref _lostAt, _replay.Timestamp(), 0);
            return Task.CompletedTask;
        };
    }

    /// <summary>The largest payload a frame published to <paramref name="topic"/> may have (the provider's limit, lowered by the broker's).</summary>
    public int PayloadLimit(string topic) => MqttLimits.PayloadLimit(_options.MaxPayloadBytes, Volatile.Read(ref _maximumPacketSize), topic);

    /// <summary>Connects once, at start-up: a broker that cannot be reached or refuses the credentials fails the start.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => ConnectAsync(cancellationToken);

    public async Task PublishAsync(uint queue, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        await PublishOnceAcknowledgedAsync(queue, topic, payload, cancellationToken).ConfigureAwait(false);
        _replay.Add(queue, topic, payload.Span);
    }

    private async Task PublishOnceAcknowledgedAsync(uint queue, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessage
        {
            Topic = topic,
            Payload = new ReadOnlySequence<byte>(payload),
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        };
        var delay = _options.RetryDelay;
        Exception? lastError = null;
        for (var attempt = 1; attempt <= _options.RetryAttempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = Backoff.Next(delay, _options.MaxRetryDelay);
            }

            try
            {
                if (!_client.IsConnected) await ConnectAsync(cancellationToken).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
                timeout.CancelAfter(_options.PublishTimeout);
                var result = await _client.PublishAsync(message, timeout.Token).ConfigureAwait(false);
                if (result.ReasonCode == MqttClientPublishReasonCode.Success) return;
                if (result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers)
                {
                    // The broker dropped it: the queue has no session yet. Create it, then publish again.
                    _logger.CreatingQueueSession(_providerName, topic);
                    await _provisioner.EnsureSessionAsync(queue, cancellationToken).ConfigureAwait(false);
                    lastError = new MqttStreamException($"the broker at {_options.Endpoint} had no subscriber for '{topic}'");
                    continue;
                }

                lastError = new MqttStreamException($"the broker at {_options.Endpoint} answered {result.ReasonCode} {result.ReasonString} to a publish on '{topic}'");
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && !_disposed.IsCancellationRequested && e is not ObjectDisposedException)
            {
                lastError = e;
            }

            _logger.PublishAttemptFailed(_providerName, topic, attempt, _options.RetryAttempts, lastError);
        }

        throw new MqttStreamException($"MQTT stream provider '{_providerName}': publishing to '{topic}' on the broker at {_options.Endpoint} failed {_options.RetryAttempts} times "
            + $"(MqttStreamOptions.RetryAttempts, RetryDelay, MaxRetryDelay, PublishTimeout): {lastError?.Message}", lastError);
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client.IsConnected) return;
            var clientOptions = MqttConnector.BuildOptions(_options, _names.PublisherClientId(), persistentSession: false);
            var result = await MqttConnector.ConnectAsync(_client, clientOptions, _options, _providerName, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _maximumPacketSize, result.MaximumPacketSize ?? 0);
            _logger.PublisherConnected(_providerName, _options.Endpoint, result.MaximumPacketSize ?? 0);
            var lostAt = Volatile.Read(ref _lostAt);
            if (lostAt == 0) return;
            try
            {
                await ReplayAsync(lostAt, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Not replayed: drop this connection too, so the next attempt connects and replays again.
                if (_client.IsConnected) await _client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            Interlocked.CompareExchange(ref _lostAt, 0, lostAt);
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>
    /// Publishes again what the broker acknowledged just before the connection was lost, before anything newer (the
    /// producers whose publish failed wait on the connect lock meanwhile), so each stream stays in order.
    /// </summary>
    private async Task ReplayAsync(long lostAt, CancellationToken cancellationToken)
    {
        var frames = _replay.TakeSince(lostAt);
        if (frames.Count == 0) return;
        _logger.ReplayingAfterReconnect(_providerName, frames.Count, _options.CrashReplayWindow);
        try
        {
            // One attempt each, on this connection: a failure fails the connect, and the caller's retry replays again.
            foreach (var frame in frames) await PublishOnceAsync(frame.Queue, frame.Topic, frame.Buffer.AsMemory(0, frame.Length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var frame in frames) MqttReplayRing.Return(frame);
        }
    }

    private async Task PublishOnceAsync(uint queue, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessage { Topic = topic, Payload = new ReadOnlySequence<byte>(payload), QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        timeout.CancelAfter(_options.PublishTimeout);
        var result = await _client.PublishAsync(message, timeout.Token).ConfigureAwait(false);
        if (result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers)
        {
            await _provisioner.EnsureSessionAsync(queue, timeout.Token).ConfigureAwait(false);
            result = await _client.PublishAsync(message, timeout.Token).ConfigureAwait(false);
        }

        if (result.ReasonCode != MqttClientPublishReasonCode.Success)
        {
            throw new MqttStreamException($"the broker at {_options.Endpoint} answered {result.ReasonCode} {result.ReasonString} to a publish on '{topic}'");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested) return;
        _disposed.Cancel();
        try
        {
            if (_client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(_options.ConnectTimeout);
                await _client.DisconnectAsync(new MqttClientDisconnectOptions { Reason = MqttClientDisconnectOptionsReason.NormalDisconnection }, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Closing anyway: the broker drops a publisher's connection state (clean start) either way.
            _logger.DisconnectFailed(_providerName, _options.Endpoint, e);
        }
        finally
        {
            _client.Dispose();
            _replay.Clear();
        }
    }
}

/// <summary>Doubling delays with a cap.</summary>
internal static class Backoff
{
    public static TimeSpan Next(TimeSpan current, TimeSpan max)
    {
        var doubled = current == TimeSpan.Zero ? TimeSpan.FromMilliseconds(10) : current * 2;
        return doubled < max ? doubled : max;
    }
}
