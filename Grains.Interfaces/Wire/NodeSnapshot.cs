namespace Dagger.Orleans.Wire;

/// <summary>
/// Everything a running node is, taken between batches so it can go on elsewhere (live migration, or a restart
/// from a checkpoint after its silo died):
/// its plan, the operator's own state, the counters and sequence numbers of its streams, what its inbox held,
/// which consumers had finished, and, for a lockstep node, the rest of the batches it was half way through.
/// </summary>
[GenerateSerializer]
public sealed class NodeSnapshot
{
    [Id(0)] public NodePlan Plan { get; init; } = null!;

    /// <summary>What the operator's <c>SaveState</c> wrote (JSON).</summary>
    [Id(1)] public string OperatorState { get; init; } = "null";

    [Id(2)] public long Emitted { get; init; }

    [Id(3)] public long Received { get; init; }

    /// <summary>The sequence number of the next batch this node emits, on every output edge.</summary>
    [Id(4)] public long NextSequence { get; init; }

    [Id(5)] public bool LimitReached { get; init; }

    [Id(6)] public InboxSnapshot Inbox { get; init; } = new();

    [Id(7)] public bool[] OutputsClosed { get; init; } = [];

    [Id(8)] public Batch?[] LockstepCarry { get; init; } = [];

    /// <summary>Per input port, the highest sequence taken from a broker stream (what the producer's window counts).</summary>
    [Id(9)] public long[] StreamTaken { get; init; } = [];

    /// <summary>The node had been asked to stop (a source of a cancelling run): it stops again wherever it goes on.</summary>
    [Id(10)] public bool StopRequested { get; init; }

    /// <summary>A sink streaming its result to the result store: how far it got (null for other nodes).</summary>
    [Id(11)] public StreamedResultState? StreamedResult { get; init; }
}

/// <summary>What a node's inbox holds when the node moves: per port, the next sequence it expects, whether the port has ended, and the batches already there.</summary>
[GenerateSerializer]
public sealed class InboxSnapshot
{
    [Id(0)] public InboxPortSnapshot[] Ports { get; init; } = [];
}

[GenerateSerializer]
public sealed class InboxPortSnapshot
{
    [Id(0)] public long Next { get; init; }
    [Id(1)] public bool Ended { get; init; }
    [Id(2)] public Batch[] Held { get; init; } = [];
}
