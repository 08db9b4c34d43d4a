using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Placement;

/// <summary>
/// Which silos may host a node, by the node's <c>device</c> and the silos' accelerators: <c>gpu</c> needs a GPU
/// silo; <c>cpu</c> takes a CPU silo, and a GPU silo only when the cluster has no CPU silo (so a GPU-only cluster
/// still runs plain nodes, while a mixed one keeps GPUs free for GPU work); <c>any</c> takes every silo. With no GPU
/// silo at all, <c>gpu</c> nodes go to CPU silos that stand in for one (<see cref="SiloAccelerator.GpuStandIn"/>: the
/// embedded silo of a one-machine run), where their kernels run on ILGPU's CPU accelerator. A silo that
/// has published no accelerator (not yet known) hosts nothing.
/// </summary>
public static class DeviceRules
{
    /// <summary>The silos of <paramref name="silos"/> that may host a node of <paramref name="device"/>, in their given order.</summary>
    public static SiloAddress[] Qualifying(string device, SiloAddress[] silos, Func<SiloAddress, SiloAccelerator?> acceleratorOf)
    {
        var gpus = new List<SiloAddress>(silos.Length);
        var cpus = new List<SiloAddress>(silos.Length);
        var standIns = new List<SiloAddress>(silos.Length);
        var known = new List<SiloAddress>(silos.Length);
        foreach (var silo in silos)
        {
            var accelerator = acceleratorOf(silo);
            if (accelerator is null) continue;
            (accelerator.IsGpu ? gpus : cpus).Add(silo);
            if (!accelerator.IsGpu && accelerator.GpuStandIn) standIns.Add(silo);
            known.Add(silo);
        }
        return device switch
        {
            Devices.Gpu => gpus.Count > 0 ? [.. gpus] : [.. standIns],
            Devices.Cpu => cpus.Count > 0 ? [.. cpus] : [.. gpus],
            _ => [.. known],
        };
    }

    /// <summary>
    /// Why no silo qualifies, e.g. <c>node 'fft1': device 'gpu' needs a silo with accelerator=gpu, and none of the
    /// cluster's 2 silos has one</c>.
    /// </summary>
    public static string NoSilo(string nodeId, string device, int silos, int unknown)
    {
        var need = device == Devices.Gpu ? "accelerator=gpu" : "accelerator=cpu or gpu";
        var which = silos == 1 ? "the cluster's only silo does not have it" : $"none of the cluster's {silos} silos has one";
        var pending = unknown > 0 ? $" ({unknown} of them {(unknown == 1 ? "has" : "have")} not published an accelerator)" : "";
        return $"node '{nodeId}': device '{device}' needs a silo with {need}, and {which}{pending}";
    }
}
