namespace Dagger.Orleans.Diagnostics;

/// <summary>
/// A synchronization context that runs continuations on the thread that waits, so an operator that really awaits
/// (a timer, I/O) finishes its call on the measuring thread and its allocations there are counted with the call's.
/// What the runtime does on other threads meanwhile (a timer firing, a posted work item) is not counted.
/// </summary>
internal sealed class CallerThreadContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _work = new();
    private readonly object _gate = new();

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_gate)
        {
            _work.Enqueue((d, state));
            Monitor.Pulse(_gate);
        }
    }

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("a measured operator cannot Send to the measuring thread");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs posted continuations here until <paramref name="task"/> has completed.</summary>
    public void RunUntilCompleted(ValueTask task)
    {
        while (!task.IsCompleted) RunNext();
        task.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="RunUntilCompleted(ValueTask)"/>
    public T RunUntilCompleted<T>(ValueTask<T> task)
    {
        while (!task.IsCompleted) RunNext();
        return task.GetAwaiter().GetResult();
    }

    private void RunNext()
    {
        (SendOrPostCallback Callback, object? State) next;
        lock (_gate)
        {
            // A continuation that escaped to the thread pool (ConfigureAwait(false)) completes the task without posting
            // here: wake now and then to look.
            if (_work.Count == 0) Monitor.Wait(_gate, TimeSpan.FromMilliseconds(5));
            if (_work.Count == 0) return;
            next = _work.Dequeue();
        }
        next.Callback(next.State);
    }
}
