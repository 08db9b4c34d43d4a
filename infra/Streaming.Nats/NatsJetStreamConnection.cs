using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Orleans.Runtime;

namespace Dagger.Orleans.Streaming.Nats;

/// <summary>
/// One provider's connection to NATS (per silo or client), opened at start-up: it connects, checks JetStream, and
/// creates or updates the provider's stream, or throws naming the server and the setting. Once open, NATS.Net
/// reconnects by itself; publishing retries through an outage for <see cref="NatsStreamOptions.PublishTimeout"/>
/// (<see cref="NatsPublishRetry"/>).
/// </summary>
internal sealed partial class NatsJetStreamConnection : IAsyncDisposable
{
    private static readonly byte[] AckPayload = "+ACK"u8.ToArray();
    private static readonly byte[] NakPayload = "-NAK"u8.ToArray();
    private readonly NatsConnection _connection;
    private readonly NatsJSContext _jetStream;
    private readonly NatsStreamOptions _options;
    private readonly ILogger _logger;
    private readonly NatsPublishRetry _publishRetry;
    private readonly TimeProvider _time;

    private NatsJetStreamConnection(string providerName, NatsStreamOptions options, NatsConnection connection, TimeProvider time, ILogger logger)
    {
        ProviderName = providerName;
        _options = options;
        _connection = connection;
        _jetStream = new NatsJSContext(connection);
        _logger = logger;
        _time = time;
        Names = new NatsNames(providerName, options);
        _publishRetry = new NatsPublishRetry(options.PublishTimeout, time);
    }

    public string ProviderName { get; }

    public NatsNames Names { get; }

    public NatsJSContext JetStream => _jetStream;

    /// <summary>The server address as messages may show it (no credentials).</summary>
    public string Server => Secrets.RedactUrl(_options.Url);

    /// <summary>The largest message to write: the server's max_payload (from its INFO), or less where the options say so.</summary>
    public int MaxPayload
    {
        get
        {
            var server = _connection.ServerInfo?.MaxPayload ?? 1024 * 1024;
            return _options.MaxPayload is { } configured ? Math.Min(configured, server) : server;
        }
    }

    /// <summary>Connects and makes sure the stream exists; throws <see cref="NatsStreamProviderException"/> naming the server and setting.</summary>
    /// <param name="time">What the retry pauses wait on: the host's clock (a test's fake one).</param>
    public static async Task<NatsJetStreamConnection> OpenAsync(string providerName, NatsStreamOptions options, ILoggerFactory loggerFactory, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var clientOptions = NatsOpts.Default with
        {
            Url = options.Url,
            Name = $"dagger-{providerName}",
            AuthOpts = NatsAuthOpts.Default with { Username = options.User, Password = options.Password, Token = options.Token },
            ConnectTimeout = options.ConnectTimeout,
            LoggerFactory = loggerFactory,
        };
        clientOptions = options.ConfigureClient?.Invoke(clientOptions) ?? clientOptions;
        var connection = new NatsConnection(clientOptions);
        var logger = loggerFactory.CreateLogger<NatsJetStreamConnection>();
        var opened = new NatsJetStreamConnection(providerName, options, connection, time, logger);
        try
        {
            await opened.ConnectAsync(cancellationToken);
            await opened.EnsureStreamAsync(cancellationToken);
            opened.LogOpened(providerName, opened.Server, opened.Names.StreamName, opened.MaxPayload);
            return opened;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Creates the queue's durable pull consumer, or takes over the one a previous owner of the queue used. A taker-over
    /// must get, in order, what that owner held unacknowledged (it may have died holding it): left alone, the server
    /// would hand those out again only after AckWait, behind newer messages, and a consumer that processes in
    /// sequence would wait on them for good. So when messages are pending, the consumer is made again: on the work-queue
    /// stream everything not acknowledged then comes again, in stream order; a message being handled elsewhere at that
    /// moment may come twice, which at-least-once delivery allows (Dagger's nodes drop what they have processed).
    /// </summary>
    public async Task<INatsJSConsumer> OpenConsumerAsync(int queue, CancellationToken cancellationToken)
    {
        var durable = Names.DurableName(queue);
        var config = new ConsumerConfig(durable)
        {
            FilterSubject = Names.QueueFilter(queue),
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = _options.AckWait,
            MaxAckPending = _options.MaxAckPending,
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            MaxDeliver = -1,
        };
        if (await FindConsumerAsync(durable, cancellationToken) is { NumAckPending: > 0 } existing)
        {
            // The stream is a work queue: what was acknowledged is gone, so a consumer made again with "deliver all"
            // starts at the first message not acknowledged.
            LogRewinding(ProviderName, queue, existing.NumAckPending, existing.AckFloor.StreamSeq + 1);
            await _jetStream.DeleteConsumerAsync(Names.StreamName, durable, cancellationToken);
        }
        return await _jetStream.CreateOrUpdateConsumerAsync(Names.StreamName, config, cancellationToken);
    }

    private async Task<ConsumerInfo?> FindConsumerAsync(string durable, CancellationToken cancellationToken)
    {
        try
        {
            return (await _jetStream.GetConsumerAsync(Names.StreamName, durable, cancellationToken)).Info;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS stream provider '{Provider}', queue {Queue}: taking over with {Pending} message(s) unacknowledged; delivering again from stream sequence {From}")]
    private partial void LogRewinding(string provider, int queue, long pending, ulong from);

    /// <summary>
    /// Publishes one message and waits for JetStream's acknowledgement that it is stored; retries while the server is
    /// unreachable or restarting (<see cref="NatsPublishRetry"/>), and throws once <see cref="NatsStreamOptions.PublishTimeout"/> has passed.
    /// </summary>
    public async Task PublishDurablyAsync(string subject, ReadOnlyMemory<byte> data, StreamId streamId)
    {
        var (failure, attempts) = await _publishRetry.RunAsync(async attemptTimeout =>
        {
            try
            {
                var result = await _jetStream.TryPublishAsync(subject, data, NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: attemptTimeout);
                if (!result.Success) return result.Error;
                return result.Value.Error is { } refused ? new NatsJSApiException(refused) : null;
            }
            catch (Exception e) when (e is NatsException or OperationCanceledException or TimeoutException)
            {
                return e;
            }
        }, failure => LogPublishRetrying(ProviderName, subject, Server, failure.Message));
        if (failure is not null)
        {
            throw new NatsStreamProviderException(
                $"NATS stream provider '{ProviderName}': an event of stream {streamId} was not stored by the NATS server at {Server} " +
                $"(subject {subject}) within {nameof(NatsStreamOptions.PublishTimeout)} = {_options.PublishTimeout} after {attempts} attempt(s): {failure.Message}",
                failure);
        }
    }

    /// <summary>Acknowledges (or, with <paramref name="redeliver"/>, rejects for immediate redelivery) one delivered message.</summary>
    public ValueTask AcknowledgeAsync(NatsReceipt receipt, bool redeliver = false) =>
        _connection.PublishAsync(receipt.ReplyTo, redeliver ? NakPayload : AckPayload, serializer: NatsRawSerializer<byte[]>.Default);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ConnectTimeout + TimeSpan.FromSeconds(1));
            await _connection.ConnectAsync().AsTask().WaitAsync(timeout.Token);
        }
        catch (Exception e) when (e is NatsException or OperationCanceledException or TimeoutException)
        {
            throw new NatsStreamProviderException(DescribeConnectFailure(e), e);
        }

        if (_connection.ConnectionState != NatsConnectionState.Open)
        {
            throw new NatsStreamProviderException(
                $"NATS stream provider '{ProviderName}' could not connect to the NATS server at {Server} (setting {nameof(NatsStreamOptions)}.{nameof(NatsStreamOptions.Url)}): the connection is {_connection.ConnectionState}");
        }

        if (_connection.ServerInfo is { JetStreamAvailable: false })
        {
            throw new NatsStreamProviderException(
                $"NATS stream provider '{ProviderName}': the NATS server at {Server} (setting {nameof(NatsStreamOptions)}.{nameof(NatsStreamOptions.Url)}) has JetStream disabled: start it with -js (nats-server -js -sd DIR)");
        }
    }

    private string DescribeConnectFailure(Exception e)
    {
        var detail = Flatten(e);
        if (detail.Contains("Authorization", StringComparison.OrdinalIgnoreCase) || detail.Contains("Authentication", StringComparison.OrdinalIgnoreCase))
        {
            var settings = string.IsNullOrEmpty(_options.Token)
                ? $"{nameof(NatsStreamOptions)}.{nameof(NatsStreamOptions.User)}/{nameof(NatsStreamOptions.Password)} (user {(_options.User ?? "(not set)")}, password {Secrets.Describe(_options.Password)})"
                : $"{nameof(NatsStreamOptions)}.{nameof(NatsStreamOptions.Token)} ({Secrets.Describe(_options.Token)})";
            return $"NATS stream provider '{ProviderName}': the NATS server at {Server} rejected the credentials (settings {settings}): {detail}";
        }
        return $"NATS stream provider '{ProviderName}' could not connect to the NATS server at {Server} (setting {nameof(NatsStreamOptions)}.{nameof(NatsStreamOptions.Url)}, " +
               $"{nameof(NatsStreamOptions.ConnectTimeout)} = {_options.ConnectTimeout}): {detail}";
    }

    private static string Flatten(Exception e)
    {
        var text = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException) text += " -> " + inner.Message;
        return text;
    }

    private async Task EnsureStreamAsync(CancellationToken cancellationToken)
    {
        var config = new StreamConfig(Names.StreamName, [Names.StreamSubjects])
        {
            Storage = _options.Storage,
            Retention = _options.Retention,
            MaxMsgSize = -1,
        };
        try
        {
            await NatsStreamCreateRetry.Build(_time).ExecuteAsync(
                static async (create, token) => await create.JetStream.CreateOrUpdateStreamAsync(create.Config, token),
                (JetStream: _jetStream, Config: config), cancellationToken);
        }
        catch (NatsJSApiException e)
        {
            throw new NatsStreamProviderException(
                $"NATS stream provider '{ProviderName}': the NATS server at {Server} refused the JetStream stream '{Names.StreamName}' on subjects '{Names.StreamSubjects}' " +
                $"(settings {nameof(NatsStreamOptions)}.{nameof(NatsStreamOptions.StreamName)}/{nameof(NatsStreamOptions.SubjectPrefix)}/{nameof(NatsStreamOptions.Retention)}/{nameof(NatsStreamOptions.Storage)}): {e.Error.Description} (code {e.Error.ErrCode})",
                e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS stream provider '{Provider}' connected to {Server}: JetStream stream '{Stream}', max payload {MaxPayload} bytes")]
    private partial void LogOpened(string provider, string server, string stream, int maxPayload);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS stream provider '{Provider}': publishing to {Subject} on {Server} failed ({Reason}); retrying")]
    private partial void LogPublishRetrying(string provider, string subject, string server, string reason);
}
