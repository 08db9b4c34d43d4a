using Dagger.Orleans.Gpu;
using Dagger.Orleans.Spec;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Dagger.Orleans.Placement;

/// <summary>
/// The accelerators of the cluster's silos, as this silo knows them: its own from start-up, the others' from the
/// silo metadata cache (which Orleans fills shortly after a silo joins).
/// </summary>
internal sealed class ClusterAccelerators(
    AcceleratorChoice local, ILocalSiloDetails localSilo, ISiloMetadataCache metadata, IClusterMembershipService membership)
{
    /// <summary>How often a submission looks again for accelerators not yet published.</summary>
    private static readonly TimeSpan RecheckPeriod = TimeSpan.FromMilliseconds(50);

    public SiloAccelerator? Of(SiloAddress silo) =>
        silo.Equals(localSilo.SiloAddress) ? local.Accelerator : SiloAccelerator.FromMetadata(metadata.GetSiloMetadata(silo).Metadata);

    public SiloAddress[] Qualifying(string device, SiloAddress[] silos) => DeviceRules.Qualifying(device, silos, Of);

    /// <summary>
    /// One problem for each node whose device no active silo serves. Waits up to <paramref name="wait"/> for silos
    /// that have joined but whose accelerator is not known here yet, so a DAG submitted right after a silo starts is
    /// not refused for want of news; never longer.
    /// </summary>
    public async Task<List<string>> CheckAsync(DagSpec spec, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        var silos = ActiveSilos();
        while (CountUnknown(silos) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(RecheckPeriod);
            silos = ActiveSilos();
        }
        var unknown = CountUnknown(silos);
        var problems = new List<string>();
        // Asked once per device, not per node: a DAG has thousands of nodes and three devices at most.
        var served = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var node in spec.Nodes)
        {
            var device = node.EffectiveDevice;
            if (!served.TryGetValue(device, out var ok)) served[device] = ok = Qualifying(device, silos).Length > 0;
            if (!ok) problems.Add(DeviceRules.NoSilo(node.Id, device, silos.Length, unknown));
        }
        return problems;
    }

    private SiloAddress[] ActiveSilos()
    {
        var active = new List<SiloAddress>();
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active) active.Add(member.SiloAddress);
        }
        return [.. active];
    }

    private int CountUnknown(SiloAddress[] silos)
    {
        var unknown = 0;
        foreach (var silo in silos)
        {
            if (Of(silo) is null) unknown++;
        }
        return unknown;
    }
}
