using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// How a <c>nats</c> or <c>mqtt</c> edge maps onto an Orleans stream: one stream per consumer input port, keyed by the
/// consumer's node key, in the namespace <c>dagger.in.PORT</c>. Node grains subscribe implicitly to those namespaces,
/// and the stream key is the consumer's grain key, so an event wakes exactly the node it is for.
/// </summary>
internal static class EdgeStreams
{
    public const string NamespacePrefix = "dagger.in.";

    /// <summary>The pattern of <see cref="RegexImplicitStreamSubscriptionAttribute"/> on the node grain.</summary>
    public const string NamespacePattern = @"^dagger\.in\.[0-9]+$";

    public static StreamId For(string dagId, OutputEdge edge) => StreamId.Create(NamespacePrefix + edge.Port, NodeKey.Of(dagId, edge.ToNode));

    public static int PortOf(StreamId stream)
    {
        var ns = stream.GetNamespace() ?? "";
        return ns.StartsWith(NamespacePrefix, StringComparison.Ordinal) && int.TryParse(ns.AsSpan(NamespacePrefix.Length), out var port)
            ? port
            : throw new ArgumentException($"stream {stream} is not a Dagger edge (namespace '{ns}')");
    }
}
