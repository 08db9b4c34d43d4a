using System.Collections.Concurrent;
using System.Text;

namespace Dagger.Orleans.Tests.Streams;

/// <summary>What the contract consumers received, per stream key (the silos run in the test process, so a static registry sees them all).</summary>
public static class ContractRecorder
{
    private static readonly ConcurrentDictionary<string, StreamRecording> Recordings = new();

    public static StreamRecording For(string streamKey) => Recordings.GetOrAdd(streamKey, _ => new StreamRecording());
}

/// <summary>The events of one stream in arrival order, which silos took them, and waits for a number of distinct events.</summary>
public sealed class StreamRecording
{
    private readonly Lock _lock = new();
    private readonly List<ContractEvent> _arrivals = [];
    private readonly HashSet<int> _distinct = [];
    private readonly Dictionary<string, int> _bySilo = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    public void Record(ContractEvent item, string silo)
    {
        lock (_lock)
        {
            _arrivals.Add(item);
            _distinct.Add(item.Sequence);
            _bySilo[silo] = _bySilo.GetValueOrDefault(silo) + 1;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_distinct.Count < _waiters[i].Count) continue;
                _waiters[i].Reached.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }

    public IReadOnlyList<ContractEvent> Arrivals
    {
        get
        {
            lock (_lock) return [.. _arrivals];
        }
    }

    public int DistinctCount
    {
        get
        {
            lock (_lock) return _distinct.Count;
        }
    }

    public IReadOnlyDictionary<string, int> BySilo
    {
        get
        {
            lock (_lock) return new Dictionary<string, int>(_bySilo);
        }
    }

    /// <summary>Completes once <paramref name="count"/> distinct sequence numbers arrived; throws a summary of what is missing after <paramref name="timeout"/>.</summary>
    public async Task WaitForDistinctAsync(int count, TimeSpan timeout)
    {
        Task reached;
        lock (_lock)
        {
            if (_distinct.Count >= count) return;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, waiter));
            reached = waiter.Task;
        }

        try
        {
            await reached.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"after {timeout.TotalSeconds:0.#} s only {DistinctCount} of {count} distinct events arrived; {Describe(count)}");
        }
    }

    /// <summary>Which of 0..expected-1 are missing, and counts, for assertion messages.</summary>
    public string Describe(int expected)
    {
        lock (_lock)
        {
            var missing = new StringBuilder();
            var shown = 0;
            for (var i = 0; i < expected && shown < 20; i++)
            {
                if (_distinct.Contains(i)) continue;
                missing.Append(i).Append(' ');
                shown++;
            }
            return $"{_arrivals.Count} arrivals, {_distinct.Count} distinct; missing (first 20): [{missing.ToString().TrimEnd()}]; by silo: {string.Join(", ", _bySilo.Select(p => $"{p.Key}={p.Value}"))}";
        }
    }
}
