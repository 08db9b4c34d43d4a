using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Orleans.Concurrency;

namespace Dagger.Orleans;

/// <summary>One per DAG run (key: the DAG id). The only grain a client talks to for a run.</summary>
public interface IDagGrain : IGrainWithStringKey
{
    /// <summary>Validates the spec against this cluster's operators and transports, then starts every node.</summary>
    Task<SubmitResult> SubmitAsync(DagSpec spec);

    [AlwaysInterleave] Task<DagStatus> GetStatusAsync();

    /// <summary>The run's spec, as submitted (<c>dagger graph ID --cluster</c> draws it with each node's state).</summary>
    [AlwaysInterleave] Task<DagSpec> GetSpecAsync();

    /// <summary>Returns when the run has ended or <paramref name="maxWait"/> has passed, whichever is first.</summary>
    [AlwaysInterleave] Task<DagStatus> WaitAsync(TimeSpan maxWait);

    /// <summary>
    /// Graceful: sources stop and the rest drains for at most <paramref name="grace"/> (null: the silo's
    /// <c>GracePeriod</c>), then the run is cancelled forcefully. Force: every node stops now.
    /// </summary>
    [AlwaysInterleave] Task CancelAsync(CancelMode mode, TimeSpan? grace);

    /// <summary>Cancels one node (see DagRun.CancelNodeAsync for what happens downstream).</summary>
    [AlwaysInterleave] Task CancelNodeAsync(string nodeId, CancelMode mode);

    /// <summary>A node ended; a sink's result comes as JSON (<paramref name="resultJson"/>) or, when big, as where it was stored.</summary>
    [AlwaysInterleave] Task NodeFinishedAsync(NodeStatus status, string? resultJson, ResultDescriptor? storedResult);

    [AlwaysInterleave] Task NodeFailedAsync(string nodeId, string error);

    /// <summary>Ends the run as Failed with its stall (<see cref="Wire.DagStatus.Stall"/>) as the error, when it is stalled now; false when it is not.</summary>
    [AlwaysInterleave] Task<bool> FailIfStalledAsync();

    /// <summary>Moves this grain (the run's record and tracker, not its nodes) to <paramref name="target"/>: a silo shutting down gracefully hands its runs over.</summary>
    [AlwaysInterleave] Task MoveToAsync(SiloAddress target);

    /// <summary>A durable node went away unfinished (its silo stopping): start it again from its last checkpoint.</summary>
    [AlwaysInterleave] Task NodeLostAsync(string nodeId, string reason);

    /// <summary>Whether the run still counts on <paramref name="nodeId"/> running (false for an unknown run or a node that ended).</summary>
    [AlwaysInterleave] Task<bool> IsNodeRunningAsync(string nodeId);

    /// <summary>The plan of a durable node the run counts on running (null otherwise): an activation of it that is not running starts itself from its checkpoint.</summary>
    [AlwaysInterleave] Task<NodePlan?> PlanToResumeAsync(string nodeId);

    /// <summary>Activates the run's grain (after a cluster restart): one that was still going takes its run up again.</summary>
    [AlwaysInterleave] Task WakeAsync();

    /// <summary>A node went on at another silo after a live migration; false when the run has meanwhile ended (or stopped the node): it stops.</summary>
    [AlwaysInterleave] Task<bool> NodeMovedAsync(string nodeId, SiloAddress silo);

    /// <summary>
    /// Moves a running node to another silo mid-stream (<paramref name="toSilo"/>: an address as <c>dagger status</c>
    /// shows it, or <c>host:port</c>; null: the active silo with the fewest of this run's nodes). Answers the silo it runs on.
    /// </summary>
    [AlwaysInterleave] Task<string> MigrateNodeAsync(string nodeId, string? toSilo);
}

/// <summary>One per DAG node (key: <c>dagId/nodeId</c>); runs one operator.</summary>
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Starts the node; answers the silo it runs on.</summary>
    Task<SiloAddress> StartAsync(NodePlan plan);

    /// <summary>
    /// Delivers consecutive batches of one edge (from a producer on another silo) to an input port. Completes once
    /// every one has a place in the node's inbox (that is the credit the producer's calls count), or after at most
    /// the silo's <c>MaxWait</c> with those that found one: no call waits on a slow consumer anywhere near the
    /// grain call timeout.
    /// </summary>
    /// <returns>How many of the batches (from the first on) the node took, and why not the rest: busy (no room yet —
    /// send them again at once) or not (moving to another silo, or not running here — send them again after a pause).</returns>
    [AlwaysInterleave] ValueTask<PushReply> PushAsync(int port, Batch[] batches);

    /// <summary>
    /// For a <c>nats</c>/<c>mqtt</c> edge into <paramref name="port"/>: returns once the node has taken batch
    /// <paramref name="sequence"/> from the stream (or after a while, with how far it has got): the producer's window.
    /// </summary>
    [AlwaysInterleave] Task<long> AwaitStreamPositionAsync(int port, long sequence);

    /// <summary>Starts the node again from its last checkpoint (none: from the start) after its silo died or the cluster restarted; answers where it runs. A node already running ignores it.</summary>
    [AlwaysInterleave] Task<SiloAddress> ResumeAsync(NodePlan plan);

    /// <summary>Moves the running node to <paramref name="target"/> mid-stream, with its operator state and stream positions; answers where it runs.</summary>
    [AlwaysInterleave] Task<SiloAddress> MigrateAsync(SiloAddress target);

    /// <summary>A consumer on <paramref name="toNode"/> needs no more elements from this node.</summary>
    [AlwaysInterleave] Task ConsumerFinishedAsync(string toNode, int port);

    /// <summary>Graceful: a source stops producing (the rest drains). Force: the node stops now and answers with its
    /// last status and, for a sink, the result of what it received.</summary>
    [AlwaysInterleave] Task<NodeReport?> CancelAsync(CancelMode mode);

    /// <summary>Graceful cancellation of this node alone: it stops taking input, ends its output stream, and ends as Cancelled.</summary>
    [AlwaysInterleave] Task StopAsync();

    [AlwaysInterleave] Task<NodeStatus> GetStatusAsync();
}

/// <summary>
/// The answer to a push: how many batches were taken, whether the rest were refused only for want of room, and whether
/// the consumer is not running at all (it ended, or was never started where the call landed) rather than moving.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct PushReply([property: Id(0)] int Accepted, [property: Id(1)] bool Busy, [property: Id(2)] bool NotRunning = false);

/// <summary>
/// One sink's stored result (key <c>dagId/nodeId</c>): the way to its chunks from any client of the cluster, one chunk
/// per call. In the memory result store it holds the chunks itself; in the blob store it reads them from the blobs.
/// </summary>
public interface IResultGrain : IGrainWithStringKey
{
    /// <summary>Stores chunk <paramref name="index"/> (again, for a node that resumed from a checkpoint: the same bytes).</summary>
    Task WriteChunkAsync(int index, ResultChunk chunk);

    /// <summary>Chunk <paramref name="index"/> of the result <paramref name="result"/> describes.</summary>
    /// <exception cref="InvalidOperationException">The chunk is not there (the result was deleted, or its silo went away).</exception>
    [AlwaysInterleave] Task<ResultChunk> ReadChunkAsync(ResultDescriptor result, int index);

    /// <summary>Forgets the result (the run is being forgotten).</summary>
    Task DeleteAsync(ResultDescriptor result);
}

public static class NodeKey
{
    public static string Of(string dagId, string nodeId) => $"{dagId}/{nodeId}";
}

/// <summary>
/// The runs that can go on after a full cluster restart (every node durable), kept in the run-state storage so that a
/// starting silo can wake them. One per cluster (key <c>"runs"</c>).
/// </summary>
public interface IRunRegistryGrain : IGrainWithStringKey
{
    Task AddAsync(string dagId);

    Task RemoveAsync(string dagId);

    /// <summary>Wakes every listed run's grain; answers how many it woke.</summary>
    Task<int> WakeAllAsync();
}
