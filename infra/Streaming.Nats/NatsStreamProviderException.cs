namespace Dagger.Orleans.Streaming.Nats;

/// <summary>The NATS stream provider could not start (server, credentials, stream) or could not store an event in time.</summary>
public sealed class NatsStreamProviderException : Exception
{
    public NatsStreamProviderException(string message) : base(message)
    {
    }

    public NatsStreamProviderException(string message, Exception inner) : base(message, inner)
    {
    }
}
