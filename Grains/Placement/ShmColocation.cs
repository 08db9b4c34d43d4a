using System.Net;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Placement;

/// <summary>
/// An <c>shm</c> edge is a ring in a file both of its nodes map: they must run on one host. Placement puts a node on the
/// host of its shm neighbours already placed (a consumer starts before its producer, so a producer follows its
/// consumer), and a move (balancing, a drain, a user's migration) never takes a node off the host of its shm neighbours.
/// A node whose neighbours are on two hosts cannot satisfy both: the submission check then refuses the run naming the edge.
/// </summary>
internal static class ShmColocation
{
    /// <summary>The host of an already placed node that <paramref name="nodeId"/> shares an shm edge with; null when there is none.</summary>
    public static IPAddress? HostOfNeighbours(DagSpec spec, string nodeId, IReadOnlyDictionary<string, SiloAddress> placed)
    {
        foreach (var neighbour in ShmNeighbours(spec, nodeId))
        {
            if (placed.TryGetValue(neighbour, out var silo)) return silo.Endpoint.Address;
        }
        return null;
    }

    /// <summary>Whether <paramref name="target"/> is on the host of every placed shm neighbour of <paramref name="nodeId"/>.</summary>
    public static bool CanHost(DagSpec spec, string nodeId, SiloAddress target, IReadOnlyDictionary<string, SiloAddress> placed) =>
        ShmNeighbours(spec, nodeId).All(n => !placed.TryGetValue(n, out var silo) || silo.Endpoint.Address.Equals(target.Endpoint.Address));

    /// <summary>The silos of <paramref name="candidates"/> on <paramref name="host"/>; all of them when no host is asked for or none is on it.</summary>
    public static SiloAddress[] OnHost(SiloAddress[] candidates, IPAddress? host)
    {
        if (host is null) return candidates;
        var onHost = candidates.Where(s => s.Endpoint.Address.Equals(host)).ToArray();
        return onHost.Length > 0 ? onHost : candidates;
    }

    private static IEnumerable<string> ShmNeighbours(DagSpec spec, string nodeId)
    {
        foreach (var edge in spec.Edges)
        {
            if (spec.TransportOf(edge) != Transports.SharedMemory) continue;
            if (edge.From == nodeId) yield return edge.To;
            else if (edge.To == nodeId) yield return edge.From;
        }
    }
}
