using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Dagger.Orleans.Tests.TestSupport;

/// <summary>
/// A fake clock a test moves one retry pause at a time. A retry resumes on another thread after the clock passes its
/// pause, and only then sets the timer of its next pause: advancing again before that timer exists would leave the
/// next pause waiting on a time that never comes. So each timer's creation is an event the test awaits
/// (<see cref="NextPauseAsync()"/>) before it advances; the wait is bounded in real time, so a schedule that never sets
/// its next pause fails the test in seconds instead of hanging it.
/// </summary>
internal sealed class SteppedClock : FakeTimeProvider
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private readonly Channel<TimeSpan> _timersSet = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timersSet.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Completes once the code under test has set its next timer (a retry's pause); returns how long it is.</summary>
    /// <exception cref="TimeoutException">No timer was set within a few seconds of real time.</exception>
    public async Task<TimeSpan> NextPauseAsync()
    {
        using var patience = new CancellationTokenSource(Patience);
        try
        {
            return await _timersSet.Reader.ReadAsync(patience.Token);
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested)
        {
            throw new TimeoutException($"no timer was set within {Patience.TotalSeconds} s");
        }
    }

    /// <summary>
    /// Completes once a timer of exactly <paramref name="pause"/> is set, passing over others (a timeout the code under
    /// test sets on each attempt, say).
    /// </summary>
    /// <exception cref="TimeoutException">No such timer was set within a few seconds of real time.</exception>
    public async Task NextPauseAsync(TimeSpan pause)
    {
        var seen = new List<TimeSpan>();
        using var patience = new CancellationTokenSource(Patience);
        try
        {
            while (await _timersSet.Reader.ReadAsync(patience.Token) is var set && set != pause) seen.Add(set);
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested)
        {
            throw new TimeoutException($"no pause of {pause} was set within {Patience.TotalSeconds} s (timers set meanwhile: {string.Join(", ", seen)})");
        }
    }

    /// <summary>
    /// Waits for the next pause of <paramref name="pause"/>, checks that nothing happens a tick before it has passed,
    /// then lets it pass: <paramref name="stillWaiting"/> is asserted between the two.
    /// </summary>
    public async Task PassPauseAsync(TimeSpan pause, Action stillWaiting)
    {
        await NextPauseAsync(pause);
        Advance(pause - TimeSpan.FromTicks(1));
        stillWaiting();
        Advance(TimeSpan.FromTicks(1));
    }
}
