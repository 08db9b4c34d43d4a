using System.Collections.Concurrent;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The inboxes of the node activations on this silo, by node key. A producer whose consumer is here writes
/// straight into its inbox instead of making a grain call per batch: a silo-local hop costs a lock and a
/// wake-up, not a message (PLATFORM-NOTES: ~0.25 µs against ~0.7 µs for a windowed grain call).
/// </summary>
internal sealed class LocalInboxDirectory
{
    private readonly ConcurrentDictionary<string, NodeInbox> _inboxes = new(StringComparer.Ordinal);

    public void Register(string nodeKey, NodeInbox inbox) => _inboxes[nodeKey] = inbox;

    public void Unregister(string nodeKey, NodeInbox inbox) => _inboxes.TryRemove(new KeyValuePair<string, NodeInbox>(nodeKey, inbox));

    public NodeInbox? Find(string nodeKey) => _inboxes.GetValueOrDefault(nodeKey);

    /// <summary>The keys of the nodes running on this silo now.</summary>
    public string[] NodeKeys => [.. _inboxes.Keys];
}
