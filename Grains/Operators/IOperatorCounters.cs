namespace Dagger.Orleans.Operators;

/// <summary>
/// An operator that counts something beside the elements it emits — bytes read, connections made, datagrams lost —
/// and reports it: the node's status carries the counters, and the result document writes them into the node's
/// <c>stats</c> (e.g. <c>"stats": {"nodes": {"src": {"emitted": …, "lost": 3}}}</c>).
/// </summary>
public interface IOperatorCounters
{
    /// <summary>The counters now, by name (snake_case); asked between batches, on the node's thread.</summary>
    IReadOnlyDictionary<string, long> Counters();
}
