using System.Collections.Immutable;
using System.Globalization;

namespace Dagger.Orleans.Placement;

/// <summary>The values of <see cref="Runtime.DaggerOptions.Accelerator"/> and of a silo's published accelerator.</summary>
public static class Accelerators
{
    public const string Auto = "auto";
    public const string Gpu = "gpu";
    public const string Cpu = "cpu";

    /// <summary>What the setting may say.</summary>
    public static readonly IReadOnlyList<string> Settings = [Auto, Gpu, Cpu];
}

/// <summary>
/// What a silo computes on, as it tells the cluster through silo metadata: its kind (<c>gpu</c> or <c>cpu</c>), the
/// device, and the ILGPU backend its kernels run on (<c>cuda</c>, <c>opencl</c>, or <c>cpu</c> for a silo declared
/// <c>gpu</c> without one, or a CPU silo).
/// </summary>
/// <param name="GpuStandIn">A CPU silo that takes <c>gpu</c> nodes when the cluster has no GPU silo, running their
/// kernels on ILGPU's CPU accelerator (a one-machine run: the embedded silo).</param>
public sealed record SiloAccelerator(string Kind, string DeviceName, long MemoryBytes, string Backend, bool Declared, bool GpuStandIn = false)
{
    public const string GpuStandInKey = "dagger.gpu-stand-in";

    public const string KindKey = "dagger.accelerator";
    public const string DeviceNameKey = "dagger.device-name";
    public const string DeviceMemoryKey = "dagger.device-memory";
    public const string BackendKey = "dagger.device-backend";
    public const string SourceKey = "dagger.accelerator-source";

    public bool IsGpu => Kind == Accelerators.Gpu;

    /// <summary>
    /// For people: <c>gpu (NVIDIA H100 80GB HBM3, 79.1 GiB, cuda)</c>, <c>cpu (16 cores, 125 GiB)</c>, or
    /// <c>gpu (ILGPU CPU accelerator, declared)</c> for a silo configured as a GPU silo without one.
    /// </summary>
    public string Describe()
    {
        var memory = MemoryBytes > 0 ? $", {MemoryBytes / (double)(1L << 30):0.#} GiB" : "";
        var backend = IsGpu && Backend != "cpu" ? $", {Backend}" : "";
        var declared = Declared ? ", declared" : "";
        var standIn = GpuStandIn && !IsGpu ? "; stands in for gpu on ILGPU's CPU accelerator" : "";
        return $"{Kind} ({DeviceName}{memory}{backend}{declared}{standIn})";
    }

    public Dictionary<string, string> ToMetadata() => new(StringComparer.Ordinal)
    {
        [KindKey] = Kind,
        [DeviceNameKey] = DeviceName,
        [DeviceMemoryKey] = MemoryBytes.ToString(CultureInfo.InvariantCulture),
        [BackendKey] = Backend,
        [SourceKey] = Declared ? "configured" : "detected",
        [GpuStandInKey] = GpuStandIn ? "true" : "false",
    };

    /// <summary>The accelerator a silo published, or null for a silo that published none (not a Dagger silo, or not yet known).</summary>
    public static SiloAccelerator? FromMetadata(ImmutableDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(KindKey, out var kind)) return null;
        return new SiloAccelerator(
            kind,
            metadata.GetValueOrDefault(DeviceNameKey) ?? "",
            long.TryParse(metadata.GetValueOrDefault(DeviceMemoryKey), NumberStyles.None, CultureInfo.InvariantCulture, out var memory) ? memory : 0,
            metadata.GetValueOrDefault(BackendKey) ?? "",
            metadata.GetValueOrDefault(SourceKey) == "configured",
            metadata.GetValueOrDefault(GpuStandInKey) == "true");
    }
}
