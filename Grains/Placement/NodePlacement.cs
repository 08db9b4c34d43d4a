using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Dagger.Orleans.Placement;

/// <summary>
/// Where node grains go. The DAG grain passes each node's position in a topological order of the DAG (and the
/// number of nodes) through the request context; the director cuts that order into one contiguous block per
/// compatible silo. Neighbours in the DAG mostly share a silo, so most edges stay silo-local (a local hop is an
/// inbox write, a remote one a serialised message), while a DAG's independent tasks still spread over the
/// cluster. (Device-aware choice of GPU or CPU silos plugs in here.)
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class NodePlacement : PlacementStrategy
{
    /// <summary>The node's position in the DAG's topological order.</summary>
    public const string NodePositionKey = "dagger.node-position";

    /// <summary>How many nodes the DAG has.</summary>
    public const string NodeCountKey = "dagger.node-count";

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
        // A live migration names its target silo: honour it while that silo can host the node.
        if (target.RequestContextData is { } hinted && hinted.TryGetValue(IPlacementDirector.PlacementHintKey, out var h)
            && h is SiloAddress hint && silos.Contains(hint))
        {
            return Task.FromResult(hint);
        }
        var ordered = silos.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        var data = target.RequestContextData;
        var silo = data is not null
            && data.TryGetValue(NodePlacement.NodePositionKey, out var p) && p is int position
            && data.TryGetValue(NodePlacement.NodeCountKey, out var c) && c is int count && count > 0 && position >= 0 && position < count
            ? ordered[(int)((long)position * ordered.Length / count)]
            : ordered[Random.Shared.Next(ordered.Length)];
        return Task.FromResult(silo);
    }
}
