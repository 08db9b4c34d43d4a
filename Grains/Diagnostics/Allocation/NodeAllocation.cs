namespace Dagger.Orleans.Diagnostics;

/// <summary>Whether a node stayed within its budget.</summary>
public enum AllocationVerdict
{
    /// <summary>Allocated no more than its budget allows.</summary>
    Ok,

    /// <summary>Allocated more than its budget allows.</summary>
    Over,

    /// <summary>No call was measured: the node got no input in the time the probe had.</summary>
    NotMeasured,

    /// <summary>Every call measured was an instance's first (one call per run of the DAG): start-up, not judged against the budget.</summary>
    StartupOnly,
}

/// <summary>
/// One node's steady-state allocation: what its operator allocated on the measuring thread during its measured calls
/// (one call: a transform's or sink's input batch, a source's <c>ProduceAsync</c>, a lockstep step), and its budget.
/// </summary>
/// <param name="Role">source, transform, lockstep or sink.</param>
/// <param name="Input">The element kind taken in, e.g. <c>complex[512]</c> (samples) or <c>float32</c>; empty for a source.</param>
/// <param name="Output">The element kind written out; empty for a sink or a transform that wrote nothing.</param>
/// <param name="Elements">Elements taken in (a source: produced; a lockstep operator: combined).</param>
/// <param name="InputBytes">The bytes of those elements (a record counts as its object).</param>
/// <param name="StartupIncluded">
/// A node that makes one call per run of the DAG (a source that emits everything in one batch, and what it feeds) has
/// no steady state: its measured calls are first calls of fresh instances, start-up work included.
/// </param>
public sealed record NodeAllocation(
    string NodeId,
    string Operator,
    string Role,
    string Input,
    string Output,
    long Calls,
    long Elements,
    long InputBytes,
    long OutputElements,
    long OutputRecords,
    long OutputBatches,
    long Bytes,
    AllocationBudget Budget,
    bool StartupIncluded)
{
    public double ElementsPerBatch => Calls == 0 ? 0 : (double)Elements / Calls;

    public double BytesPerElement => Elements == 0 ? (Bytes == 0 ? 0 : double.PositiveInfinity) : (double)Bytes / Elements;

    public double BytesPerBatch => Calls == 0 ? 0 : (double)Bytes / Calls;

    /// <summary>The bytes the budget allows for what was measured (see <see cref="AllocationBudget.Allowed"/>).</summary>
    public double AllowedBytes => Budget.Allowed(Elements, InputBytes, OutputRecords, Calls, OutputBatches);

    public AllocationVerdict Verdict =>
        Calls == 0 ? AllocationVerdict.NotMeasured
        : StartupIncluded ? AllocationVerdict.StartupOnly
        : Bytes <= AllowedBytes ? AllocationVerdict.Ok
        : AllocationVerdict.Over;
}

/// <summary>What <see cref="AllocationProbe"/> measured for every node of a DAG.</summary>
public sealed record AllocationReport(
    string? DagName,
    IReadOnlyList<NodeAllocation> Nodes,
    int WarmupCalls,
    int MeasuredCalls,
    int Windows,
    int Rounds,
    TimeSpan Elapsed,
    bool TimeLimitReached)
{
    /// <summary>Bytes of one Batch object, allowed per output batch (see <see cref="AllocationBudget.BatchShellBytes"/>).</summary>
    public int BatchShellBytes => AllocationBudget.BatchShellBytes;

    public bool AllWithinBudget
    {
        get
        {
            foreach (var node in Nodes)
            {
                if (node.Verdict == AllocationVerdict.Over) return false;
            }
            return true;
        }
    }

    public NodeAllocation this[string nodeId]
    {
        get
        {
            foreach (var node in Nodes)
            {
                if (node.NodeId == nodeId) return node;
            }
            throw new KeyNotFoundException($"no node '{nodeId}' in the allocation report of '{DagName}'");
        }
    }
}
