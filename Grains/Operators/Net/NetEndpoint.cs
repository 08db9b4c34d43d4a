namespace Dagger.Orleans.Operators.Net;

/// <summary>An address a network operator will use: it listens on (binds) <see cref="Host"/>:<see cref="Port"/>, or connects (sends) to it.</summary>
public readonly record struct NetEndpoint(string Protocol, string Host, int Port, bool Listens)
{
    /// <summary><c>127.0.0.1:9000</c>, <c>[::1]:9000</c>, <c>sdr.lan:1234</c>.</summary>
    public string Address => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public override string ToString() => $"{Protocol} {(Listens ? "listen on" : "connect to")} {Address}";
}

/// <summary>
/// An operator that opens sockets: says, from its arguments alone, which addresses it will listen on or connect to,
/// so a submission is checked against the silo's <see cref="NetAllowList"/> before anything runs.
/// </summary>
public interface INetworkOperator
{
    IEnumerable<NetEndpoint> Endpoints { get; }
}
