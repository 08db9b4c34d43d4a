using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>What a DAG grain knows of its run: enough to go on answering, and tracking, after it moves to another silo — and the record it keeps in the run-state storage.</summary>
[GenerateSerializer]
internal sealed class DagSnapshot
{
    [Id(0)] public DagSpec Spec { get; init; } = null!;
    [Id(1)] public DagState State { get; init; }
    [Id(2)] public string? Error { get; init; }
    [Id(3)] public DateTimeOffset StartedAt { get; init; }
    [Id(4)] public DateTimeOffset? EndedAt { get; init; }
    [Id(5)] public Dictionary<string, NodeStatus> Nodes { get; init; } = [];
    [Id(6)] public Dictionary<string, string> Results { get; init; } = [];
    [Id(7)] public Dictionary<string, SiloAddress> NodeSilos { get; init; } = [];
    /// <summary>While <see cref="DagState.Cancelling"/>: when the graceful cancellation becomes forceful.</summary>
    [Id(8)] public DateTimeOffset? CancelDeadline { get; init; }
    [Id(9)] public string? Cancellation { get; init; }
    /// <summary>Where the results too big to keep here were stored: the record never holds a big result.</summary>
    [Id(10)] public Dictionary<string, ResultDescriptor> StoredResults { get; init; } = [];
}
