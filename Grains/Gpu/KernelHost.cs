using ILGPU.Runtime;

namespace Dagger.Orleans.Gpu;

/// <summary>
/// What every node running kernels holds: the shared accelerator and a stream of its own, so nodes do not wait on
/// each other's work on a real GPU.
/// </summary>
internal abstract class KernelHost : IDisposable
{
    protected KernelHost(SharedAccelerator gpu)
    {
        Gpu = gpu;
        Stream = gpu.Accelerator.CreateStream();
    }

    public SharedAccelerator Gpu { get; }

    protected Accelerator Accelerator => Gpu.Accelerator;

    protected AcceleratorStream Stream { get; }

    /// <summary>
    /// Held from upload to download. On the CPU accelerator one kernel already spreads over every core, so it lets one
    /// node at a time in; a real GPU overlaps the streams of different nodes and nothing is held.
    /// </summary>
    protected LaunchScope EnterLaunch()
    {
        if (!Gpu.SerialisesLaunches) return default;
        Gpu.LaunchLock.Enter();
        return new LaunchScope(Gpu.LaunchLock);
    }

    public virtual void Dispose() => Stream.Dispose();

    protected readonly ref struct LaunchScope(Lock? held)
    {
        public void Dispose() => held?.Exit();
    }
}
