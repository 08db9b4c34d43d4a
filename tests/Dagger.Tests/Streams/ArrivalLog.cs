namespace Dagger.Orleans.Tests.Streams;

/// <summary>
/// What a test consumer received (the silos run in the test process, so consumers write here directly): events in
/// arrival order, which silos took them, and a bounded wait for "n distinct sequence numbers arrived" that says which
/// are missing when it times out.
/// </summary>
public abstract class ArrivalLog<TEvent>
{
    private readonly Lock _lock = new();
    private readonly List<TEvent> _arrivals = [];
    private readonly HashSet<int> _distinct = [];
    private readonly Dictionary<string, int> _bySilo = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    protected void Note(TEvent item, int sequence, string silo)
    {
        lock (_lock)
        {
            _arrivals.Add(item);
            _distinct.Add(sequence);
            _bySilo[silo] = _bySilo.GetValueOrDefault(silo) + 1;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_distinct.Count < _waiters[i].Count) continue;
                _waiters[i].Reached.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }

    protected IReadOnlyList<TEvent> ArrivedEvents
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

    /// <summary>How many events each silo took.</summary>
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

    /// <summary>Counts, which of 0..expected-1 are missing (the first 20) and who took what, for assertion messages.</summary>
    public string Describe(int expected)
    {
        lock (_lock)
        {
            var missing = new List<int>();
            for (var i = 0; i < expected && missing.Count < 20; i++)
            {
                if (!_distinct.Contains(i)) missing.Add(i);
            }
            return $"{_arrivals.Count} arrivals, {_distinct.Count} distinct; missing (first 20): [{string.Join(' ', missing)}]; by silo: {string.Join(", ", _bySilo.Select(p => $"{p.Key}={p.Value}"))}";
        }
    }
}
