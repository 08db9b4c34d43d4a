using System.Text.Json.Nodes;

namespace Dagger.Orleans.Spec;

/// <summary>A DAG as CONTRACT §1 describes it. Built by <see cref="DagSpecReader"/> from JSON or by <see cref="DagBuilder"/> in code.</summary>
[GenerateSerializer, Immutable]
public sealed record DagSpec
{
    public const int DefaultBatch = 1024;
    public const string DefaultTransport = Transports.Memory;

    [Id(0)] public string? Name { get; init; }
    [Id(1)] public string? DefaultTransportName { get; init; }
    [Id(2)] public int? Batch { get; init; }
    [Id(3)] public IReadOnlyList<NodeSpec> Nodes { get; init; } = [];
    [Id(4)] public IReadOnlyList<EdgeSpec> Edges { get; init; } = [];

    public int EffectiveBatch => Batch ?? DefaultBatch;

    public string TransportOf(EdgeSpec edge) => edge.Transport ?? DefaultTransportName ?? DefaultTransport;

    /// <summary>The spec as canonical JSON (the CONTRACT §1 shape, no indentation): equal specs give equal text.</summary>
    public string ToJson() => DagSpecWriter.Write(this);
}

/// <summary>One node: an operator instance. <see cref="ArgsJson"/> holds the operator's arguments as a JSON object.</summary>
[GenerateSerializer, Immutable]
public sealed record NodeSpec
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Op { get; init; }
    [Id(2)] public string ArgsJson { get; init; } = "{}";
    [Id(3)] public string? Device { get; init; }
    [Id(4)] public long? MaxEvals { get; init; }

    public string EffectiveDevice => Device ?? Devices.Cpu;

    public JsonObject ParseArgs() => JsonNode.Parse(ArgsJson) as JsonObject ?? [];
}

[GenerateSerializer, Immutable]
public sealed record EdgeSpec
{
    [Id(0)] public required string From { get; init; }
    [Id(1)] public required string To { get; init; }
    [Id(2)] public int Port { get; init; }
    [Id(3)] public string? Transport { get; init; }

    public override string ToString() => $"{From} -> {To}" + (Port == 0 ? "" : $" (port {Port})");
}

public static class Transports
{
    public const string Memory = "memory";
    public const string Nats = "nats";
    public const string Mqtt = "mqtt";
    public const string SharedMemory = "shm";
    public static readonly IReadOnlyList<string> All = [Memory, Nats, Mqtt, SharedMemory];

    /// <summary>Whether batches on this transport outlive the silos at both ends (a broker keeps them): what a node needs to resume from a checkpoint.</summary>
    public static bool OutlivesSilos(string transport) => transport is Nats or Mqtt;
}

public static class Devices
{
    public const string Cpu = "cpu";
    public const string Gpu = "gpu";
    public const string Any = "any";
    public static readonly IReadOnlyList<string> All = [Cpu, Gpu, Any];
}
