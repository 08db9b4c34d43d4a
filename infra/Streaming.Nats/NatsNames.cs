using Orleans.Runtime;

namespace Dagger.Orleans.Streaming.Nats;

/// <summary>
/// The names one provider uses on the server: its JetStream stream, the subject of each stream's events (the queue
/// first, so one durable consumer per queue filters on "{prefix}.q{n}.>"), and each queue's durable consumer, named
/// after the provider and the queue so whichever silo owns the queue continues the same consumer.
/// </summary>
internal sealed class NatsNames
{
    private readonly string[] _queuePrefixes;

    public NatsNames(string providerName, NatsStreamOptions options)
    {
        var escapedProvider = BrokerNames.Escape(providerName);
        StreamName = options.StreamName ?? $"DAGGER-{escapedProvider}";
        SubjectPrefix = options.SubjectPrefix ?? $"dagger.{escapedProvider}";
        ConsumerPrefix = escapedProvider;
        _queuePrefixes = new string[options.QueueCount];
        for (var i = 0; i < _queuePrefixes.Length; i++) _queuePrefixes[i] = $"{SubjectPrefix}.q{i}.";
    }

    public string StreamName { get; }

    public string SubjectPrefix { get; }

    private string ConsumerPrefix { get; }

    /// <summary>What the JetStream stream captures.</summary>
    public string StreamSubjects => $"{SubjectPrefix}.>";

    public string QueueFilter(int queue) => $"{SubjectPrefix}.q{queue}.>";

    public string DurableName(int queue) => $"{ConsumerPrefix}-q{queue}";

    /// <summary>"{prefix}.q{queue}.{namespace}.{key}", namespace and key escaped into single subject tokens.</summary>
    public string Subject(int queue, StreamId streamId) => string.Concat(_queuePrefixes[queue], BrokerNames.StreamTokens(streamId, '.'));

    public static bool IsValidName(string name)
    {
        if (name.Length == 0) return false;
        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '.' or '*' or '>' or '/' or '\\') return false;
        }
        return true;
    }

    public static bool IsValidSubjectPrefix(string prefix)
    {
        foreach (var token in prefix.Split('.'))
        {
            if (token.Length == 0) return false;
            foreach (var c in token)
            {
                if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '*' or '>') return false;
            }
        }
        return true;
    }
}
