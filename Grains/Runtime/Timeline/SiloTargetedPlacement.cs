using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Dagger.Orleans.Runtime.Timeline;

/// <summary>
/// Places a grain on the silo its key names (<see cref="SiloAddress.ToParsableString"/>): for grains that read what
/// one silo holds in memory. A silo that is not (or no longer) in the cluster fails the call, naming it.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloTargeted : PlacementStrategy
{
    public static readonly SiloTargeted Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloTargetedAttribute() : PlacementAttribute(SiloTargeted.Instance);

internal sealed class SiloTargetedDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString()!;
        var silos = context.GetCompatibleSilos(target);
        foreach (var silo in silos)
        {
            if (silo.ToParsableString() == key) return Task.FromResult(silo);
        }
        throw new OrleansException($"silo {key} is not an active silo of this cluster (active: {string.Join(", ", silos.Select(s => s.ToParsableString()))})");
    }
}
