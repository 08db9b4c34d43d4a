using System.Collections.Concurrent;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// Wake-ups between the two sides of an shm ring that live in one process (the embedded silo, in-process silos): a
/// producer waiting for room hears the consumer's commit, a consumer waiting for data hears the write, instead of
/// finding out at its next poll. Across processes nothing is heard and the sides poll (<see cref="ShmWait"/>).
/// </summary>
internal static class ShmLocalWake
{
    private static readonly ConcurrentDictionary<string, Pair> s_rings = new(StringComparer.Ordinal);

    /// <summary>The wake-ups of the ring at <paramref name="path"/>, shared by every mapping of it in this process.</summary>
    public static Pair For(string path) => s_rings.GetOrAdd(path, static _ => new Pair());

    /// <summary>The ring is gone: a later ring of that name starts afresh.</summary>
    public static void Forget(string path) => s_rings.TryRemove(path, out _);

    public sealed class Pair
    {
        public Wake DataWritten { get; } = new();

        public Wake RoomFreed { get; } = new();
    }

    /// <summary>One side's wake-up: a task to wait on, completed by the other side's next move.</summary>
    public sealed class Wake
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource? _next;

        /// <summary>Completes at the next <see cref="Set"/>; take it before looking at the ring again, so no move is missed in between.</summary>
        public Task Next()
        {
            lock (_gate) return (_next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        public void Set()
        {
            TaskCompletionSource? next;
            lock (_gate)
            {
                next = _next;
                _next = null;
            }
            next?.TrySetResult();
        }
    }
}
