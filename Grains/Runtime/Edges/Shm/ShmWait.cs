namespace Dagger.Orleans.Runtime;

/// <summary>
/// How a side of an shm ring waits for the other: until <paramref name="wake"/> (the other side in this process moved,
/// <see cref="ShmLocalWake"/>), or — across processes, where nothing is heard — a few turns of the scheduler first
/// (the other side is usually about to move), then a millisecond at a time, which costs no CPU while an edge stands still.
/// </summary>
internal static class ShmWait
{
    private const int YieldsBeforeSleeping = 16;

    public static async ValueTask NextAsync(Task wake, int waited, CancellationToken cancellation)
    {
        if (wake.IsCompleted) return;
        if (waited < YieldsBeforeSleeping) await Task.Yield();
        else await Task.WhenAny(wake, Task.Delay(1, cancellation));
        cancellation.ThrowIfCancellationRequested();
    }
}
