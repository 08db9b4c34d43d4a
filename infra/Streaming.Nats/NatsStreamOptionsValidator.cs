using Orleans;
using Orleans.Runtime;

namespace Dagger.Orleans.Streaming.Nats;

/// <summary>Checks a provider's <see cref="NatsStreamOptions"/> when the silo or client starts, naming the bad setting.</summary>
internal sealed class NatsStreamOptionsValidator(NatsStreamOptions options, string providerName) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.Url)) Fail(nameof(options.Url), "is empty: set the NATS server address, e.g. nats://127.0.0.1:4222");
        foreach (var url in options.Url.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IsServerUrl(url)) Fail(nameof(options.Url), $"'{Secrets.RedactUrl(url)}' is not a NATS server URL such as nats://127.0.0.1:4222");
        }
        if (!string.IsNullOrEmpty(options.Token) && !string.IsNullOrEmpty(options.User))
        {
            Fail(nameof(options.Token), "is set together with User: use either a token or a user and password");
        }
        if (string.IsNullOrEmpty(options.User) != string.IsNullOrEmpty(options.Password))
        {
            Fail(string.IsNullOrEmpty(options.User) ? nameof(options.User) : nameof(options.Password), "is missing: User and Password go together");
        }
        if (options.StreamName is { } stream && !NatsNames.IsValidName(stream))
        {
            Fail(nameof(options.StreamName), "must be a non-empty name without spaces, '.', '*', '>', '/' or '\\'");
        }
        if (options.SubjectPrefix is { } prefix && !NatsNames.IsValidSubjectPrefix(prefix))
        {
            Fail(nameof(options.SubjectPrefix), "must be dot-separated non-empty tokens without spaces, '*' or '>'");
        }
        if (options.QueueCount < 1) Fail(nameof(options.QueueCount), $"is {options.QueueCount}: at least 1 queue is needed");
        if (options.AckWait <= TimeSpan.Zero) Fail(nameof(options.AckWait), $"is {options.AckWait}: it must be positive");
        if (options.MaxAckPending < 1) Fail(nameof(options.MaxAckPending), $"is {options.MaxAckPending}: it must be at least 1");
        if (options.FetchBatchSize < 1) Fail(nameof(options.FetchBatchSize), $"is {options.FetchBatchSize}: it must be at least 1");
        if (options.FetchTimeout <= TimeSpan.Zero) Fail(nameof(options.FetchTimeout), $"is {options.FetchTimeout}: it must be positive");
        if (options.ReadWait != TimeSpan.Zero && (options.ReadWait < NatsStreamOptions.MinimumReadWait || options.ReadWait >= options.FetchTimeout))
        {
            Fail(nameof(options.ReadWait), $"is {options.ReadWait}: it must be zero (no waiting) or at least {NatsStreamOptions.MinimumReadWait} and below FetchTimeout ({options.FetchTimeout})");
        }
        if (options.PublishTimeout <= TimeSpan.Zero) Fail(nameof(options.PublishTimeout), $"is {options.PublishTimeout}: it must be positive");
        if (options.ConnectTimeout <= TimeSpan.Zero) Fail(nameof(options.ConnectTimeout), $"is {options.ConnectTimeout}: it must be positive");
        if (options.PartialMessageTimeout <= TimeSpan.Zero) Fail(nameof(options.PartialMessageTimeout), $"is {options.PartialMessageTimeout}: it must be positive");
        if (options.MaxPayload is { } max && max < MessageFraming.MinimumMaxPayload)
        {
            Fail(nameof(options.MaxPayload), $"is {max} bytes: at least {MessageFraming.MinimumMaxPayload} are needed");
        }
        if (options.MaxMessageBytes < MessageFraming.MinimumMaxPayload)
        {
            Fail(nameof(options.MaxMessageBytes), $"is {options.MaxMessageBytes} bytes: at least {MessageFraming.MinimumMaxPayload} are needed");
        }
    }

    /// <summary>
    /// nats://, tls://, ws:// or wss:// with a host (NATS.Net reads "host:port" as nats://host:port). A typo such as
    /// "nats//host" would otherwise reach the resolver as a host called "nats" and fail as an unreachable server.
    /// </summary>
    private static bool IsServerUrl(string url)
    {
        var absolute = url.Contains("://", StringComparison.Ordinal) ? url : "nats://" + url;
        return Uri.TryCreate(absolute, UriKind.Absolute, out var uri)
            && uri.Scheme is "nats" or "tls" or "ws" or "wss"
            && uri.Host.Length > 0
            && (uri.Scheme is "ws" or "wss" || uri.AbsolutePath is "" or "/");
    }

    private void Fail(string setting, string problem) =>
        throw new OrleansConfigurationException($"NATS stream provider '{providerName}': {nameof(NatsStreamOptions)}.{setting} {problem}");
}
