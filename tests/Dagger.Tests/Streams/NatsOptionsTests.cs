using Dagger.Orleans.Streaming.Nats;
using Orleans.Runtime;
using Xunit;

namespace Dagger.Orleans.Tests.Streams;

public sealed class NatsOptionsTests
{
    [Fact]
    public void Options_text_shows_no_password_or_token()
    {
        var text = new NatsStreamOptions { Url = "nats://u:secret-in-url@h:4222", User = "u", Password = "secret-password", Token = null }.ToString();

        Assert.DoesNotContain("secret-password", text);
        Assert.DoesNotContain("secret-in-url", text);
        Assert.Contains("Password = ***", text);
    }

    [Theory]
    [InlineData(nameof(NatsStreamOptions.QueueCount))]
    [InlineData(nameof(NatsStreamOptions.AckWait))]
    [InlineData(nameof(NatsStreamOptions.MaxPayload))]
    [InlineData(nameof(NatsStreamOptions.SubjectPrefix))]
    [InlineData(nameof(NatsStreamOptions.Password))]
    public void The_validator_names_the_bad_setting_and_the_provider(string setting)
    {
        var options = new NatsStreamOptions();
        switch (setting)
        {
            case nameof(NatsStreamOptions.QueueCount): options.QueueCount = 0; break;
            case nameof(NatsStreamOptions.AckWait): options.AckWait = TimeSpan.Zero; break;
            case nameof(NatsStreamOptions.MaxPayload): options.MaxPayload = 10; break;
            case nameof(NatsStreamOptions.SubjectPrefix): options.SubjectPrefix = "a.*.b"; break;
            case nameof(NatsStreamOptions.Password): options.User = "someone"; break;
        }

        var error = Assert.Throws<OrleansConfigurationException>(() => new NatsStreamOptionsValidator(options, "edges").ValidateConfiguration());
        Assert.Contains($"NatsStreamOptions.{setting}", error.Message);
        Assert.Contains("'edges'", error.Message);
    }

    [Fact]
    public void Subjects_put_the_queue_first_and_escape_namespace_and_key()
    {
        var names = new NatsNames("my edges", new NatsStreamOptions { QueueCount = 4 });

        Assert.Equal("DAGGER-my~20edges", names.StreamName);
        Assert.Equal("dagger.my~20edges.>", names.StreamSubjects);
        Assert.Equal("dagger.my~20edges.q3.>", names.QueueFilter(3));
        Assert.Equal("my~20edges-q3", names.DurableName(3));
        Assert.Equal("dagger.my~20edges.q3.ns.a~2Eb~2A", names.Subject(3, StreamId.Create("ns", "a.b*")));
    }
}
