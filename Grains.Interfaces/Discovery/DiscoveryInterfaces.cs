using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Orleans.Concurrency;

namespace Dagger.Orleans.Discovery;

/// <summary>
/// What a cluster can run, asked of a silo: its operators and how it judges a spec. Any silo answers (a stateless
/// worker): every silo of a cluster loads the same operator assemblies and transports from its profile.
/// </summary>
public interface IClusterInfoGrain : IGrainWithIntegerKey
{
    /// <summary>Every operator the silo knows, by name.</summary>
    Task<IReadOnlyList<OperatorInfo>> GetOperatorsAsync();

    /// <summary>The edge transports the silo carries.</summary>
    Task<IReadOnlyList<string>> GetTransportsAsync();

    /// <summary>Every problem a submission of <paramref name="spec"/> would be refused for (the checks the DAG grain makes), without running it.</summary>
    Task<IReadOnlyList<string>> ValidateAsync(DagSpec spec);
}

/// <summary>
/// The runs a cluster knows (<c>dagger list</c>), one per cluster (<see cref="ClusterGrains.GetRunList"/>): every DAG grain announces its
/// run at submission. Bounded: the most recent runs are kept, and a run its DAG grain no longer answers for (its
/// results outlived <c>ResultRetention</c>) is forgotten.
/// </summary>
public interface IRunListGrain : IGrainWithStringKey
{
    [OneWay] Task AddAsync(RunEntry run);

    /// <summary>The runs, newest first.</summary>
    [AlwaysInterleave] Task<IReadOnlyList<RunEntry>> ListAsync();

    /// <summary>Forgets runs whose DAG grain no longer knows them.</summary>
    Task ForgetAsync(IReadOnlyList<string> dagIds);
}

/// <summary>A run as the run list records it at submission.</summary>
[GenerateSerializer, Immutable]
public sealed record RunEntry(
    [property: Id(0)] string DagId,
    [property: Id(1)] string? Name,
    [property: Id(2)] DateTimeOffset SubmittedAt,
    [property: Id(3)] int Nodes);

/// <summary>
/// The timelines one silo's nodes recorded (<c>dagger timeline</c>): one per silo, keyed by the silo's address
/// (<see cref="SiloAddress.ToParsableString"/>) and placed on that silo, since each silo keeps its own nodes' records.
/// </summary>
public interface ISiloTimelineGrain : IGrainWithStringKey
{
    /// <summary>Every lane recorded on this silo for run <paramref name="dagId"/> (none when no node of it ran here).</summary>
    Task<IReadOnlyList<TimelineLane>> GetLanesAsync(string dagId);
}

/// <summary>
/// Where one node spent its time on one silo: busy (in its operator or the pump), waiting for input, or stalled
/// waiting for room downstream (backpressure), in seconds per time slot, and the batches it took in (a source: sent)
/// per slot. Slots are <see cref="SlotSeconds"/> wide from <see cref="Start"/>; a long run has wider slots, so a lane
/// stays the same size however long the node runs.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TimelineLane
{
    [Id(0)] public required string NodeId { get; init; }
    [Id(1)] public required string Op { get; init; }
    [Id(2)] public required string Silo { get; init; }
    [Id(3)] public DateTimeOffset Start { get; init; }
    /// <summary>Null while the node still runs on this silo (the lane then reaches the moment it was asked).</summary>
    [Id(4)] public DateTimeOffset? End { get; init; }
    [Id(5)] public double SlotSeconds { get; init; }
    [Id(6)] public float[] Busy { get; init; } = [];
    [Id(7)] public float[] Waiting { get; init; } = [];
    [Id(8)] public float[] Stalled { get; init; } = [];
    [Id(9)] public float[] Batches { get; init; } = [];
}

/// <summary>References to the grains above by their fixed keys.</summary>
public static class ClusterGrains
{
    public static IClusterInfoGrain GetClusterInfo(this IGrainFactory grains) => grains.GetGrain<IClusterInfoGrain>(0);

    public static IRunListGrain GetRunList(this IGrainFactory grains) => grains.GetGrain<IRunListGrain>("all");

    public static ISiloTimelineGrain GetSiloTimeline(this IGrainFactory grains, SiloAddress silo) => grains.GetGrain<ISiloTimelineGrain>(silo.ToParsableString());
}
