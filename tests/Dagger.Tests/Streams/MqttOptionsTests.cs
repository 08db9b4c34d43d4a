using Dagger.Orleans.Streaming.Mqtt;
using Orleans.Runtime;
using Xunit;

namespace Dagger.Orleans.Tests.Streams;

public sealed class MqttOptionsTests
{
    [Fact]
    public void Options_text_says_a_password_is_set_but_never_shows_it()
    {
        var options = new MqttStreamOptions { UserName = "alice", Password = "hunter2" };

        var text = options.ToString();

        Assert.Contains("UserName = alice", text);
        Assert.Contains("Password = ***", text);
        Assert.DoesNotContain("hunter2", text);
    }

    [Theory]
    [InlineData(nameof(MqttStreamOptions.Server))]
    [InlineData(nameof(MqttStreamOptions.Port))]
    [InlineData(nameof(MqttStreamOptions.TopicPrefix))]
    [InlineData(nameof(MqttStreamOptions.MaxPayloadBytes))]
    [InlineData(nameof(MqttStreamOptions.ReceiveMaximum))]
    [InlineData(nameof(MqttStreamOptions.UserName))]
    [InlineData(nameof(MqttStreamOptions.RetryAttempts))]
    public void The_validator_names_the_bad_setting(string setting)
    {
        var options = new MqttStreamOptions();
        switch (setting)
        {
            case nameof(MqttStreamOptions.Server): options.Server = " "; break;
            case nameof(MqttStreamOptions.Port): options.Port = 70000; break;
            case nameof(MqttStreamOptions.TopicPrefix): options.TopicPrefix = "dagger/#"; break;
            case nameof(MqttStreamOptions.MaxPayloadBytes): options.MaxPayloadBytes = 100; break;
            case nameof(MqttStreamOptions.ReceiveMaximum): options.ReceiveMaximum = 100; break;
            case nameof(MqttStreamOptions.UserName): options.Password = "secret"; break;
            case nameof(MqttStreamOptions.RetryAttempts): options.RetryAttempts = 0; break;
        }

        var error = Assert.Throws<OrleansConfigurationException>(() => new MqttStreamOptionsValidator(options, "edges").ValidateConfiguration());

        Assert.Contains($"MqttStreamOptions.{setting}", error.Message);
        Assert.Contains("'edges'", error.Message);
    }

    [Fact]
    public void The_default_options_are_valid() =>
        new MqttStreamOptionsValidator(new MqttStreamOptions(), "edges").ValidateConfiguration();

    [Fact]
    public void Topics_and_client_ids_carry_no_character_MQTT_treats_specially()
    {
        var names = new MqttNames(new MqttStreamOptions { TopicPrefix = "dagger/streams" }, "svc/+#", "my edges");

        var topic = names.QueueTopic(3);
        var clientId = names.ReceiverClientId(3);

        Assert.Equal(5, topic.Split('/').Length);
        Assert.StartsWith("dagger/streams/", topic);
        Assert.EndsWith("/q3", topic);
        Assert.DoesNotContain('+', topic);
        Assert.DoesNotContain('#', topic);
        Assert.DoesNotContain(' ', topic);
        Assert.DoesNotContain('/', clientId);
        Assert.Equal(clientId, new MqttNames(new MqttStreamOptions(), "svc/+#", "my edges").ReceiverClientId(3));
        Assert.NotEqual(clientId, names.ReceiverClientId(4));
    }

    [Fact]
    public void The_payload_limit_follows_the_maximum_packet_size_the_broker_announces()
    {
        const string topic = "dagger/streams/s/p/q0";

        Assert.Equal(1_000_000, MqttLimits.PayloadLimit(1_000_000, 0, topic));
        Assert.Equal(65_536 - MqttLimits.PublishOverhead - topic.Length, MqttLimits.PayloadLimit(1_000_000, 65_536, topic));
    }
}
