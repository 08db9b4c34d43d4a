namespace Dagger.Orleans.Wire;

public enum DagState { Running, Cancelling, Completed, Failed, Cancelled }

public enum NodeState { Pending, Running, Finished, Failed, Cancelled }

public enum CancelMode { Graceful, Force }

public static class DagStateExtensions
{
    public static bool IsTerminal(this DagState state) => state is DagState.Completed or DagState.Failed or DagState.Cancelled;
}

/// <summary>A node's counters and where it runs.</summary>
[GenerateSerializer, Immutable]
public sealed record NodeStatus
{
    [Id(0)] public required string NodeId { get; init; }
    [Id(1)] public NodeState State { get; init; }
    [Id(2)] public long Emitted { get; init; }
    [Id(3)] public long Received { get; init; }
    [Id(4)] public string? Silo { get; init; }
    [Id(5)] public string? Error { get; init; }
    /// <summary>The node's <c>device</c> from the spec (cpu, gpu, any).</summary>
    [Id(6)] public string? Device { get; init; }
    /// <summary>What the node's silo computes on, e.g. <c>gpu (NVIDIA H100 80GB HBM3, 79.1 GiB, cuda)</c> or <c>cpu (16 cores, 125 GiB)</c>.</summary>
    [Id(7)] public string? Accelerator { get; init; }
    /// <summary>Samples a source with a sample clock emitted (e.g. <c>iq_file</c> with <c>rate</c>); 0 for other nodes.</summary>
    [Id(8)] public long Samples { get; init; }
    /// <summary>That source's samples per second; null for other nodes.</summary>
    [Id(9)] public double? SampleRate { get; init; }
    /// <summary>What the operator counts beside elements (a network source: bytes, connections, datagrams lost); null for most.</summary>
    [Id(10)] public IReadOnlyDictionary<string, long>? Counters { get; init; }
}

/// <summary>A DAG run's state: what <c>dagger status</c> shows and what the result document is made from.</summary>
[GenerateSerializer, Immutable]
public sealed record DagStatus
{
    [Id(0)] public required string DagId { get; init; }
    [Id(1)] public DagState State { get; init; }
    [Id(2)] public IReadOnlyList<NodeStatus> Nodes { get; init; } = [];
    /// <summary>Sink node id → its result as JSON text (a result too big to travel inline is in <see cref="StoredResults"/> instead).</summary>
    [Id(3)] public IReadOnlyDictionary<string, string> Results { get; init; } = new Dictionary<string, string>();
    [Id(4)] public string? Error { get; init; }
    [Id(5)] public DateTimeOffset StartedAt { get; init; }
    [Id(6)] public DateTimeOffset? EndedAt { get; init; }
    /// <summary>The silo of the run's coordinating DAG grain.</summary>
    [Id(7)] public string? Silo { get; init; }
    /// <summary>How a cancelled run was cancelled: <c>graceful</c>, <c>forceful</c>, or <c>graceful, then forceful</c> (its grace period ran out).</summary>
    [Id(8)] public string? Cancellation { get; init; }
    /// <summary>
    /// While a running DAG is stalled: <c>stalled: node X waiting for batch N on edge Y since T</c> (a node with input
    /// waiting has taken none for <c>DaggerOptions.StallAfter</c>); null otherwise.
    /// </summary>
    [Id(9)] public string? Stall { get; init; }
    /// <summary>
    /// Sink node id → where its result is, for results too big to travel inline (over <c>DaggerOptions.InlineResultBytes</c>):
    /// read them chunk by chunk (<c>DagRun.ReadResultAsync</c>). A sink is in <see cref="Results"/> or here, not both —
    /// except that a client may copy a stored result it has read into <see cref="Results"/>.
    /// </summary>
    [Id(10)] public IReadOnlyDictionary<string, ResultDescriptor> StoredResults { get; init; } = new Dictionary<string, ResultDescriptor>();

    public double Seconds => ((EndedAt ?? DateTimeOffset.UtcNow) - StartedAt).TotalSeconds;
}

/// <summary>The answer to a submission: the DAG id, or the problems that refused it.</summary>
[GenerateSerializer, Immutable]
public sealed record SubmitResult
{
    [Id(0)] public required string DagId { get; init; }
    [Id(1)] public IReadOnlyList<string> Problems { get; init; } = [];
    public bool Accepted => Problems.Count == 0;
}

/// <summary>A node's last word: its status and, for a sink, its result: as JSON, or where it was stored when too big to travel inline.</summary>
[GenerateSerializer, Immutable]
public sealed record NodeReport(
    [property: Id(0)] NodeStatus Status, [property: Id(1)] string? ResultJson, [property: Id(2)] ResultDescriptor? StoredResult = null);
