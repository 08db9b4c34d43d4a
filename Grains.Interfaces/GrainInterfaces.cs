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

    /// <summary>Returns when the run has ended or <paramref name="maxWait"/> has passed, whichever is first.</summary>
    [AlwaysInterleave] Task<DagStatus> WaitAsync(TimeSpan maxWait);

    [AlwaysInterleave] Task CancelAsync(CancelMode mode);

    [AlwaysInterleave] Task NodeFinishedAsync(NodeStatus status, string? resultJson);

    [AlwaysInterleave] Task NodeFailedAsync(string nodeId, string error);
}

/// <summary>One per DAG node (key: <c>dagId/nodeId</c>); runs one operator.</summary>
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Starts the node; answers the silo it runs on.</summary>
    Task<SiloAddress> StartAsync(NodePlan plan);

    /// <summary>
    /// Delivers consecutive batches of one edge (from a producer on another silo) to an input port. Completes once
    /// every one has a place in the node's inbox: that is the credit the producer's calls count.
    /// </summary>
    [AlwaysInterleave] ValueTask PushAsync(int port, Batch[] batches);

    /// <summary>A consumer on <paramref name="toNode"/> needs no more elements from this node.</summary>
    [AlwaysInterleave] Task ConsumerFinishedAsync(string toNode, int port);

    /// <summary>Graceful: a source stops producing (the rest drains). Force: the node stops now and answers with its
    /// last status and, for a sink, the result of what it received.</summary>
    [AlwaysInterleave] Task<NodeReport?> CancelAsync(CancelMode mode);

    [AlwaysInterleave] Task<NodeStatus> GetStatusAsync();
}

public static class NodeKey
{
    public static string Of(string dagId, string nodeId) => $"{dagId}/{nodeId}";
}
