using System.Threading.Tasks.Sources;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// Wakes one waiter (a node's pump) without allocating per wait. A signal that arrives while nobody waits is
/// remembered, so the next wait returns at once. Callers serialise access (the inbox's lock).
/// </summary>
internal sealed class PumpSignal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private bool _waiting;
    private bool _pending;

    public ValueTask WaitAsync()
    {
        if (_pending)
        {
            _pending = false;
            return default;
        }
        _core.Reset();
        _waiting = true;
        return new ValueTask(this, _core.Version);
    }

    public void Set()
    {
        if (_waiting)
        {
            _waiting = false;
            // The continuation runs on the waiter's own scheduler (its activation), not on the caller's thread.
            _core.SetResult(true);
        }
        else
        {
            _pending = true;
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
