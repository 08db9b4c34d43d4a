using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Gpu;

/// <summary>
/// Which path a signal operator takes. A node whose spec says <c>"device": "gpu"</c> or <c>"any"</c> runs its ILGPU
/// kernels only when this process has a real GPU (CUDA, or an OpenCL device of GPU type); everywhere else — a CPU silo,
/// the embedded silo standing in for a GPU silo — it runs the SIMD CPU code, which is many times faster than ILGPU's
/// CPU accelerator (a thread-per-work-item emulator of a GPU). The stand-in is a placement rule, not an emulator.
/// </summary>
public static class ProcessAccelerator
{
    private static readonly Lazy<SharedAccelerator?> s_gpu = new(SharedAccelerator.CreateGpuOrNull, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<SharedAccelerator> s_best = new(() => s_gpu.Value ?? SharedAccelerator.CreateCpu(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when a node on <paramref name="device"/> runs kernels: it asked for a GPU and the process has one.</summary>
    public static bool Wanted(string device) => device is Devices.Gpu or Devices.Any && s_gpu.Value is not null;

    /// <summary>The process's GPU, created on first use; only a node for which <see cref="Wanted"/> said yes asks for it.</summary>
    /// <exception cref="InvalidOperationException">The process has no GPU.</exception>
    public static SharedAccelerator Shared => s_gpu.Value
        ?? throw new InvalidOperationException("this process has no GPU (no CUDA device, no OpenCL GPU): signal operators run their CPU code here");

    /// <summary>
    /// The GPU when there is one, else ILGPU's CPU accelerator: for benchmarks that time the kernels themselves (the
    /// operators never run on the CPU accelerator).
    /// </summary>
    public static SharedAccelerator Kernels => s_best.Value;
}
