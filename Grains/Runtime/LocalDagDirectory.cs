using System.Collections.Concurrent;

namespace Dagger.Orleans.Runtime;

/// <summary>The DAG grains active on this silo, so a silo that shuts down can move them away first.</summary>
internal sealed class LocalDagDirectory
{
    private readonly ConcurrentDictionary<string, byte> _dags = new(StringComparer.Ordinal);

    public void Add(string dagId) => _dags[dagId] = 0;

    public void Remove(string dagId) => _dags.TryRemove(dagId, out _);

    public string[] Ids => [.. _dags.Keys];
}
