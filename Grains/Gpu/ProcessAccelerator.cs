using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Gpu;

/// <summary>
/// Which path a signal operator takes, and the process-wide accelerator for the ILGPU path. A node whose spec says
/// <c>"device": "gpu"</c> or <c>"any"</c> runs its kernels on <see cref="Shared"/>; <c>"cpu"</c> (the default) runs
/// the managed reference code.
/// </summary>
public static class ProcessAccelerator
{
    private static readonly Lazy<SharedAccelerator> s_shared = new(SharedAccelerator.CreateBest, LazyThreadSafetyMode.ExecutionAndPublication);

    public static bool Wanted(string device) => device is Devices.Gpu or Devices.Any;

    /// <summary>Created on first use: CUDA, then OpenCL, then the ILGPU CPU accelerator.</summary>
    public static SharedAccelerator Shared => s_shared.Value;
}
