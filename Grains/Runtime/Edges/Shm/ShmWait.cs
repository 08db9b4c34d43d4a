namespace Dagger.Orleans.Runtime;

/// <summary>
/// How a side of an shm ring waits for the other (across processes there is nothing to await): a few turns of the
/// scheduler first — the other side is usually about to move — then a millisecond at a time, which costs no CPU
/// while an edge stands still.
/// </summary>
internal static class ShmWait
{
    private const int YieldsBeforeSleeping = 16;

    public static async ValueTask NextAsync(int waited, CancellationToken cancellation)
    {
        if (waited < YieldsBeforeSleeping) await Task.Yield();
        else await Task.Delay(1, cancellation);
    }
}
