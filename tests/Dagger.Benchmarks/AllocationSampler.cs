using System.Diagnostics.Tracing;

namespace Dagger.Orleans.Benchmarks;

/// <summary>
/// Listens to the runtime's GCAllocationTick events (one per ~100 KB allocated, naming the type of the object that
/// crossed the mark) and attributes the sampled amounts to types: a statistical picture of who allocates.
/// Events arrive on a dispatch thread a little after the fact, so a window is selected by event timestamp.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly List<(DateTime At, string Type, long Bytes)> _ticks = [];
    private readonly Lock _lock = new();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null) return;
        string? type = null;
        long bytes = 0;
        for (var i = 0; i < e.PayloadNames.Count; i++)
        {
            switch (e.PayloadNames[i])
            {
                case "TypeName": type = e.Payload![i] as string; break;
                case "AllocationAmount64": bytes = Convert.ToInt64(e.Payload![i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "AllocationAmount" when bytes == 0: bytes = Convert.ToInt64(e.Payload![i], System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
        lock (_lock) _ticks.Add((e.TimeStamp.ToUniversalTime(), type ?? "?", bytes));
    }

    /// <summary>Sampled bytes per type between two instants (UTC), largest first; wait a moment after <paramref name="to"/> before asking.</summary>
    public IReadOnlyList<(string Type, long Bytes)> Between(DateTime from, DateTime to)
    {
        lock (_lock)
        {
            return _ticks.Where(t => t.At >= from && t.At <= to)
                .GroupBy(t => t.Type)
                .Select(g => (g.Key, g.Sum(t => t.Bytes)))
                .OrderByDescending(t => t.Item2)
                .ToArray();
        }
    }

    public int TickCount
    {
        get { lock (_lock) return _ticks.Count; }
    }
}
