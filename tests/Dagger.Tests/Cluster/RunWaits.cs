using Dagger.Orleans.Client;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Cluster;

internal static class RunWaits
{
    /// <summary>Polls the run's own status until <paramref name="condition"/> holds: waits for the event, with a 30 s deadline.</summary>
    public static async Task<DagStatus> WaitUntilAsync(this DagRun run, Func<DagStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var status = await run.GetStatusAsync();
            if (condition(status)) return status;
            Assert.False(status.State.IsTerminal(), $"the run ended ({status.State}: {status.Error}) before the awaited condition");
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 30 s: " + string.Join(", ", status.Nodes));
            await Task.Delay(20);
        }
    }
}

/// <summary>Stops a run a test leaves behind (an assertion failed before its own cancel): endless runs on a shared cluster would eat its cores for the rest of the suite.</summary>
internal sealed class RunCleanup(DagRun run) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        var status = await run.GetStatusAsync();
        if (!status.State.IsTerminal()) await run.CancelAsync(CancelMode.Force);
    }
}

internal static class RunCleanupExtensions
{
    /// <summary><c>await using var _ = run.CancelOnExit();</c></summary>
    public static RunCleanup CancelOnExit(this DagRun run) => new(run);
}
