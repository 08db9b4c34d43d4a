using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Dagger.Orleans.Placement;

/// <summary>
/// Where node grains go. The DAG grain passes each node's position in the spec through the request context, and
/// the director deals nodes out over the compatible silos in turn, so a DAG's independent tasks spread over the
/// cluster deterministically. (Device-aware choice of GPU or CPU silos plugs in here.)
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class NodePlacement : PlacementStrategy
{
    public const string NodeIndexKey = "dagger.node-index";

    public static readonly NodePlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodePlacementAttribute() : PlacementAttribute(NodePlacement.Instance);

internal sealed class NodePlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0) throw new OrleansException($"no silo can host {target.GrainIdentity}");
        var ordered = silos.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        var index = target.RequestContextData is { } data && data.TryGetValue(NodePlacement.NodeIndexKey, out var value) && value is int i
            ? i
            : Random.Shared.Next(ordered.Length);
        return Task.FromResult(ordered[index % ordered.Length]);
    }
}
