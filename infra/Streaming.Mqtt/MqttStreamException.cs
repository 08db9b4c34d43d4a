namespace Dagger.Orleans.Streaming.Mqtt;

/// <summary>
/// The MQTT stream provider could not do what it was asked: connect to the broker at start-up, publish an event within
/// its retries, or keep a queue's receiver connected. The message names the broker and the setting to look at.
/// </summary>
public sealed class MqttStreamException : Exception
{
    public MqttStreamException(string message) : base(message)
    {
    }

    public MqttStreamException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
