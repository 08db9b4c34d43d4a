using Orleans;
using Orleans.Runtime;

namespace Dagger.Orleans.Streaming.Mqtt;

/// <summary>Fails silo and client start-up on an MQTT stream provider setting that cannot work, naming the setting.</summary>
internal sealed class MqttStreamOptionsValidator(MqttStreamOptions options, string providerName) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.Server)) Fail(nameof(options.Server), "is empty: set the MQTT broker's host name");
        if (options.Port is < 1 or > 65535) Fail(nameof(options.Port), $"is {options.Port}: a TCP port is 1..65535");
        if (options.Password is not null && options.UserName is null) Fail(nameof(options.UserName), "is not set but a Password is: MQTT sends a password only with a user name");
        if (string.IsNullOrWhiteSpace(options.TopicPrefix) || options.TopicPrefix.AsSpan().IndexOfAny('+', '#', '\0') >= 0 || options.TopicPrefix.StartsWith('$'))
        {
            Fail(nameof(options.TopicPrefix), $"is '{options.TopicPrefix}': a topic prefix must be non-empty, contain no '+', '#' or NUL, and not start with '$'");
        }

        if (string.IsNullOrWhiteSpace(options.ClientIdPrefix)) Fail(nameof(options.ClientIdPrefix), "is empty");
        if (options.MaxPayloadBytes < MessageFraming.MinimumMaxPayload || options.MaxPayloadBytes > MqttLimits.MaxPayload)
        {
            Fail(nameof(options.MaxPayloadBytes), $"is {options.MaxPayloadBytes}: it must be {MessageFraming.MinimumMaxPayload}..{MqttLimits.MaxPayload} bytes");
        }

        if (options.MaxMessageBytes < options.MaxPayloadBytes) Fail(nameof(options.MaxMessageBytes), $"is {options.MaxMessageBytes}, below MaxPayloadBytes ({options.MaxPayloadBytes})");
        if (options.ReceiveMaximum is < 1 or > ushort.MaxValue) Fail(nameof(options.ReceiveMaximum), $"is {options.ReceiveMaximum}: MQTT's receive maximum is 1..{ushort.MaxValue}");

        var largestChunkCount = MessageFraming.ChunkCount(options.MaxMessageBytes, options.MaxPayloadBytes);
        if (largestChunkCount >= options.ReceiveMaximum)
        {
            Fail(nameof(options.ReceiveMaximum), $"is {options.ReceiveMaximum}, but a batch of MaxMessageBytes ({options.MaxMessageBytes}) splits into {largestChunkCount} chunks, "
                + "which the receiver must hold un-acknowledged together: raise ReceiveMaximum or MaxPayloadBytes, or lower MaxMessageBytes");
        }

        if (options.ReadWait < TimeSpan.Zero || options.ReadWait > TimeSpan.FromMinutes(1)) Fail(nameof(options.ReadWait), $"is {options.ReadWait}: it must be zero (no waiting) up to 1 minute");
        if (options.SessionExpiry is { } expiry && (expiry <= TimeSpan.Zero || expiry.TotalSeconds >= uint.MaxValue)) Fail(nameof(options.SessionExpiry), $"is {expiry}: it must be positive and below {uint.MaxValue} s, or null for never");
        if (options.ConnectTimeout <= TimeSpan.Zero) Fail(nameof(options.ConnectTimeout), $"is {options.ConnectTimeout}: it must be positive");
        if (options.PublishTimeout <= TimeSpan.Zero) Fail(nameof(options.PublishTimeout), $"is {options.PublishTimeout}: it must be positive");
        if (options.KeepAlive < TimeSpan.Zero || options.KeepAlive.TotalSeconds > ushort.MaxValue) Fail(nameof(options.KeepAlive), $"is {options.KeepAlive}: it must be 0..{ushort.MaxValue} s");
        if (options.RetryAttempts < 1) Fail(nameof(options.RetryAttempts), $"is {options.RetryAttempts}: at least 1 attempt");
        if (options.RetryDelay < TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay) Fail(nameof(options.RetryDelay), $"is {options.RetryDelay} with MaxRetryDelay {options.MaxRetryDelay}: need 0 <= RetryDelay <= MaxRetryDelay");
        if (options.CrashReplayWindow < TimeSpan.Zero) Fail(nameof(options.CrashReplayWindow), $"is {options.CrashReplayWindow}: it must be zero (off) or positive");
        if (options.CrashReplayMaxBytes < 0) Fail(nameof(options.CrashReplayMaxBytes), $"is {options.CrashReplayMaxBytes}: it must be zero (off) or positive");
        if (options.StaleChunkTimeout <= TimeSpan.Zero) Fail(nameof(options.StaleChunkTimeout), $"is {options.StaleChunkTimeout}: it must be positive");
    }

    private void Fail(string setting, string problem) =>
        throw new OrleansConfigurationException($"MQTT stream provider '{providerName}': {nameof(MqttStreamOptions)}.{setting} {problem}.");
}
