using Dagger.Orleans.Spec;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Dagger.Orleans.Placement;

/// <summary>
/// Where node grains go. The DAG grain passes each node's device, its position in a topological order of the DAG
/// and the number of nodes through the request context (one <see cref="NodePlacementRequest"/>). The director keeps the silos whose accelerator serves the
/// device (<see cref="DeviceRules"/>), then: for <c>cpu</c> and <c>gpu</c> it cuts the topological order into one
/// contiguous block per qualifying silo — neighbours in the DAG mostly share a silo, so most edges stay silo-local
/// (a local hop is an inbox write, a remote one a serialised message) while independent tasks still spread; for
/// <c>any</c> it takes the least loaded qualifying silo (<see cref="NodeLoad"/>).
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class NodePlacement : PlacementStrategy
{
    /// <summary>
    /// The request-context key of the <see cref="NodePlacementRequest"/> that starts a node; without one any silo may
    /// host the activation. One immutable value rather than a key per field: the request context is copied into every
    /// message of the call and its reply, and each key set or removed copies it once more.
    /// </summary>
    public const string RequestKey = "dagger.node-placement";

    public static readonly NodePlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodePlacementAttribute() : PlacementAttribute(NodePlacement.Instance);

/// <summary>
/// What placement reads to put a node: its <c>device</c> (cpu, gpu, any), its position in the DAG's topological order,
/// how many nodes the DAG has, and the host (IP address) it must share with an shm neighbour already placed, if any.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record NodePlacementRequest([property: Id(0)] string Device, [property: Id(1)] int Position = -1, [property: Id(2)] int Count = 0,
    [property: Id(3)] string? Host = null);

internal sealed class NodePlacementDirector(ClusterAccelerators accelerators, NodeLoad load) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0) throw new OrleansException($"no silo can host {target.GrainIdentity}");
        var data = target.RequestContextData;
        // An activation made for something other than starting a node (a late status query) has no device: any silo will do.
        var request = data is not null && data.TryGetValue(NodePlacement.RequestKey, out var r) ? r as NodePlacementRequest : null;
        var device = request?.Device;
        var candidates = ShmColocation.OnHost(device is null ? silos : accelerators.Qualifying(device, silos),
            request?.Host is { } host ? System.Net.IPAddress.Parse(host) : null);
        if (candidates.Length == 0)
        {
            // The submission check makes this rare (a GPU silo lost between submission and start); the node's start fails with it.
            var unknown = silos.Length - DeviceRules.Qualifying(Devices.Any, silos, accelerators.Of).Length;
            throw new OrleansException(DeviceRules.NoSilo(NodeIdOf(target.GrainIdentity), device!, silos.Length, unknown));
        }
        if (candidates.Length == 1)
        {
            // Whatever the rule, the only silo that qualifies (every node of a one-silo cluster).
            load.Placed(candidates[0]);
            return Task.FromResult(candidates[0]);
        }
        // A migration names its target: honour it when that silo can host the node.
        if (data is not null && IPlacementDirector.GetPlacementHint(data, candidates) is { } hinted)
        {
            load.Placed(hinted);
            return Task.FromResult(hinted);
        }
        if (device == Devices.Any) return load.LeastLoadedAsync(candidates);

        var ordered = candidates.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        var silo = request is { Count: > 0 } && request.Position >= 0 && request.Position < request.Count
            ? ordered[(int)((long)request.Position * ordered.Length / request.Count)]
            : ordered[Random.Shared.Next(ordered.Length)];
        load.Placed(silo);
        return Task.FromResult(silo);
    }

    /// <summary>The node id of a node grain (key <c>dagId/nodeId</c>).</summary>
    private static string NodeIdOf(GrainId grain)
    {
        var key = grain.Key.ToString();
        var slash = key.IndexOf('/');
        return slash >= 0 ? key[(slash + 1)..] : key;
    }
}
