namespace Dagger.Orleans.Wire;

/// <summary>Everything a node grain needs to run: its operator, its inputs and where its output goes.</summary>
[GenerateSerializer, Immutable]
public sealed record NodePlan
{
    [Id(0)] public required string DagId { get; init; }
    [Id(1)] public required string NodeId { get; init; }
    [Id(2)] public required string Op { get; init; }
    [Id(3)] public string ArgsJson { get; init; } = "{}";
    [Id(4)] public int InputCount { get; init; }
    [Id(5)] public IReadOnlyList<OutputEdge> Outputs { get; init; } = [];
    [Id(6)] public IReadOnlyList<InputEdge> Inputs { get; init; } = [];
    [Id(7)] public int BatchSize { get; init; } = 1024;
    [Id(8)] public long? MaxEvals { get; init; }
    [Id(9)] public int Window { get; init; } = 8;
    [Id(10)] public string Device { get; init; } = "cpu";
}

/// <summary>An edge leaving a node: the consumer and its input port.</summary>
[GenerateSerializer, Immutable]
public sealed record OutputEdge([property: Id(0)] string ToNode, [property: Id(1)] int Port, [property: Id(2)] string Transport);

/// <summary>An edge entering a node: the producer, so a finished consumer can tell it to stop.</summary>
[GenerateSerializer, Immutable]
public sealed record InputEdge([property: Id(0)] string FromNode, [property: Id(1)] int Port, [property: Id(2)] string Transport);
