using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Streaming.Mqtt;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "MQTT stream provider '{Provider}': publisher connected to {Endpoint} (broker's maximum packet size: {MaximumPacketSize}, 0 = none announced)")]
    public static partial void PublisherConnected(this ILogger logger, string provider, string endpoint, uint maximumPacketSize);

    [LoggerMessage(2, LogLevel.Warning, "MQTT stream provider '{Provider}': publish to '{Topic}' failed (attempt {Attempt} of {Attempts})")]
    public static partial void PublishAttemptFailed(this ILogger logger, string provider, string topic, int attempt, int attempts, Exception? error);

    [LoggerMessage(3, LogLevel.Information, "MQTT stream provider '{Provider}': '{Topic}' had no subscriber; creating its queue's session so published messages wait for the queue's owner")]
    public static partial void CreatingQueueSession(this ILogger logger, string provider, string topic);

    [LoggerMessage(4, LogLevel.Warning, "MQTT stream provider '{Provider}': disconnecting from {Endpoint} failed; closing the connection anyway")]
    public static partial void DisconnectFailed(this ILogger logger, string provider, string endpoint, Exception error);

    [LoggerMessage(5, LogLevel.Information, "MQTT stream provider '{Provider}': receiver of queue {Queue} connected as '{ClientId}' to {Endpoint} (session present: {SessionPresent})")]
    public static partial void ReceiverConnected(this ILogger logger, string provider, uint queue, string clientId, string endpoint, bool sessionPresent);

    [LoggerMessage(6, LogLevel.Warning, "MQTT stream provider '{Provider}': receiver of queue {Queue} lost its connection ({Reason}); reconnecting")]
    public static partial void ReceiverDisconnected(this ILogger logger, string provider, uint queue, string reason, Exception? error);

    [LoggerMessage(7, LogLevel.Warning, "MQTT stream provider '{Provider}': another client took the session '{ClientId}' of queue {Queue} over; reconnecting after {Delay} in case this silo still owns the queue")]
    public static partial void ReceiverSessionTakenOver(this ILogger logger, string provider, uint queue, string clientId, TimeSpan delay);

    [LoggerMessage(8, LogLevel.Warning, "MQTT stream provider '{Provider}': receiver of queue {Queue} could not reconnect (attempt {Attempt} of {Attempts})")]
    public static partial void ReconnectAttemptFailed(this ILogger logger, string provider, uint queue, int attempt, int attempts, Exception error);

    [LoggerMessage(9, LogLevel.Error, "MQTT stream provider '{Provider}': receiver of queue {Queue} gave up reconnecting after {Attempts} attempts; the next read retries")]
    public static partial void ReconnectGaveUp(this ILogger logger, string provider, uint queue, int attempts, Exception error);

    [LoggerMessage(10, LogLevel.Debug, "MQTT stream provider '{Provider}': acknowledging a message of queue {Queue} failed; the broker delivers it again")]
    public static partial void AcknowledgeFailed(this ILogger logger, string provider, uint queue, Exception error);

    [LoggerMessage(11, LogLevel.Error, "MQTT stream provider '{Provider}': queue {Queue} received a message it cannot read; it stays un-acknowledged in the queue's session (one slot of ReceiveMaximum) and comes again after a reconnect")]
    public static partial void UnreadableMessage(this ILogger logger, string provider, uint queue, Exception error);

    [LoggerMessage(12, LogLevel.Warning, "MQTT stream provider '{Provider}': queue {Queue} dropped {Count} split batch(es) whose remaining chunks did not come within {Timeout}")]
    public static partial void StaleChunksDropped(this ILogger logger, string provider, uint queue, int count, TimeSpan timeout);

    [LoggerMessage(14, LogLevel.Debug, "MQTT stream provider '{Provider}': queue {Queue} got message {PacketId} again (a redelivery of one not acknowledged on an earlier connection)")]
    public static partial void Redelivered(this ILogger logger, string provider, uint queue, ushort packetId);

    [LoggerMessage(15, LogLevel.Warning, "MQTT stream provider '{Provider}': the connection to the broker came back; publishing again the {Count} message(s) it acknowledged in the {Window} before it went (a crashed broker may not have saved them)")]
    public static partial void ReplayingAfterReconnect(this ILogger logger, string provider, int count, TimeSpan window);

    [LoggerMessage(13, LogLevel.Information, "MQTT stream provider '{Provider}': receiver of queue {Queue} shut down")]
    public static partial void ReceiverShutDown(this ILogger logger, string provider, uint queue);
}
