using MQTTnet;
using MQTTnet.Protocol;

namespace Dagger.Orleans.Streaming.Mqtt;

/// <summary>
/// Creates a queue's broker session (its client id subscribed to its topic) when none exists yet. MQTT drops a message
/// published to a topic nobody subscribes to, and a queue's receiver may not have connected yet (the cluster is still
/// starting): the publisher sees "no matching subscribers" in the PUBACK, creates the session here, and publishes again,
/// so the message waits in the session for the queue's owner. It connects only when the topic has no subscriber, so it
/// never takes a live receiver's session away (save for a receiver that is connecting that very moment, which then
/// reconnects and resumes the session).
/// </summary>
internal sealed class MqttSessionProvisioner(MqttStreamOptions options, MqttNames names, string providerName)
{
    public async Task EnsureSessionAsync(uint queue, CancellationToken cancellationToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();

        // If the session did exist after all, the broker sends its queued messages on connect: leave them un-acknowledged
        // so they stay in the session for the real receiver.
        client.ApplicationMessageReceivedAsync += static e =>
        {
            e.AutoAcknowledge = false;
            return Task.CompletedTask;
        };
        var clientOptions = MqttConnector.BuildOptions(options, names.ReceiverClientId(queue), persistentSession: true);
        clientOptions.ReceiveMaximum = 1;
        await MqttConnector.ConnectAsync(client, clientOptions, options, providerName, cancellationToken).ConfigureAwait(false);
        try
        {
            await MqttQueueSubscription.SubscribeAsync(client, names.QueueTopic(queue), options, providerName, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // A normal disconnect keeps the session (its expiry is set at connect).
            if (client.IsConnected) await client.DisconnectAsync(new MqttClientDisconnectOptions { Reason = MqttClientDisconnectOptionsReason.NormalDisconnection }, CancellationToken.None).ConfigureAwait(false);
        }
    }
}

/// <summary>The one subscription a queue's session holds.</summary>
internal static class MqttQueueSubscription
{
    public static async Task SubscribeAsync(IMqttClient client, string topic, MqttStreamOptions options, string providerName, CancellationToken cancellationToken)
    {
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(topic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build();
        var result = await client.SubscribeAsync(subscribe, cancellationToken).ConfigureAwait(false);
        foreach (var item in result.Items)
        {
            if (item.ResultCode != MqttClientSubscribeResultCode.GrantedQoS1)
            {
                throw new MqttStreamException($"MQTT stream provider '{providerName}': the broker at {options.Endpoint} answered {item.ResultCode} to the QoS 1 subscription of '{topic}' "
                    + "(check the user's ACL for MqttStreamOptions.UserName and MqttStreamOptions.TopicPrefix)");
            }
        }
    }
}
