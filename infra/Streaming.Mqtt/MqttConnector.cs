using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Formatter;

namespace Dagger.Orleans.Streaming.Mqtt;

/// <summary>Builds MQTTnet client options from the provider's settings and connects, turning every failure into an error that names the broker and the setting.</summary>
internal static class MqttConnector
{
    /// <summary>Options for a connection. A persistent one (a queue's receiver) resumes the broker session of its client id.</summary>
    public static MqttClientOptions BuildOptions(MqttStreamOptions options, string clientId, bool persistentSession)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Server, options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(options.ConnectTimeout);
        if (persistentSession)
        {
            // Never expires unless asked: the session holds the queue's unacknowledged messages while no silo owns the queue.
            var expiry = options.SessionExpiry is { } e ? (uint)e.TotalSeconds : uint.MaxValue;
            builder.WithCleanStart(false).WithSessionExpiryInterval(expiry).WithReceiveMaximum((ushort)options.ReceiveMaximum);
        }
        else
        {
            builder.WithCleanStart(true).WithSessionExpiryInterval(0);
        }

        if (options.UserName is not null) builder.WithCredentials(options.UserName, options.Password);
        options.ConfigureClient?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>Connects <paramref name="client"/>; throws <see cref="MqttStreamException"/> naming the broker and the setting on any failure.</summary>
    public static async Task<MqttClientConnectResult> ConnectAsync(IMqttClient client, MqttClientOptions clientOptions, MqttStreamOptions options, string providerName, CancellationToken cancellationToken)
    {
        MqttClientConnectResult result;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            result = await client.ConnectAsync(clientOptions, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MqttStreamException($"MQTT stream provider '{providerName}': the broker at {options.Endpoint} (MqttStreamOptions.Server/Port) did not answer within ConnectTimeout ({options.ConnectTimeout.TotalSeconds:0.###} s)");
        }
        catch (Exception e) when (e is MqttConnectingFailedException or MQTTnet.Exceptions.MqttCommunicationException or System.Net.Sockets.SocketException)
        {
            throw new MqttStreamException($"MQTT stream provider '{providerName}': cannot connect to the broker at {options.Endpoint} (MqttStreamOptions.Server/Port): {e.Message}", e);
        }

        if (result.ResultCode == MqttClientConnectResultCode.Success) return result;
        var setting = result.ResultCode is MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized
            ? $"MqttStreamOptions.UserName/Password (user {(options.UserName is null ? "not set: anonymous" : $"'{options.UserName}'")}, password {Secrets.Describe(options.Password)})"
            : "MqttStreamOptions";
        throw new MqttStreamException($"MQTT stream provider '{providerName}': the broker at {options.Endpoint} refused the connection of client '{clientOptions.ClientId}' with {result.ResultCode}"
            + $"{(string.IsNullOrEmpty(result.ReasonString) ? "" : $" ({result.ReasonString})")}: check {setting}");
    }
}
