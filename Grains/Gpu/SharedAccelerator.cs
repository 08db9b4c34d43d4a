using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace Dagger.Orleans.Gpu;

/// <summary>
/// One ILGPU context and accelerator, shared by every node of the process that runs on it. Kernels are loaded by
/// each operator instance (ILGPU caches the compiled code per accelerator); buffers and streams belong to the node.
/// </summary>
public sealed class SharedAccelerator : IDisposable
{
    private readonly Context _context;

    private SharedAccelerator(Context context, Accelerator accelerator)
    {
        _context = context;
        Accelerator = accelerator;
        LetProcessExitWithoutDispose(accelerator);
    }

    /// <summary>
    /// ILGPU 1.5 starts a foreground thread per accelerator (its "GC" thread for child objects): an accelerator that is
    /// never disposed — the process-wide one lives as long as the process — would keep the process from exiting
    /// (a test host, a silo after its host stopped). Its threads are made background threads here; disposing still
    /// stops them.
    /// </summary>
    private static void LetProcessExitWithoutDispose(Accelerator accelerator)
    {
        for (var type = accelerator.GetType(); type is not null; type = type.BaseType)
        {
            foreach (var field in type.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly))
            {
                if (field.FieldType == typeof(Thread) && field.GetValue(accelerator) is Thread { IsAlive: true, IsBackground: false } thread) thread.IsBackground = true;
                if (field.FieldType == typeof(Thread[]) && field.GetValue(accelerator) is Thread[] threads)
                {
                    foreach (var t in threads)
                    {
                        if (t is { IsAlive: true, IsBackground: false }) t.IsBackground = true;
                    }
                }
            }
        }
    }

    public Accelerator Accelerator { get; }

    /// <summary>"cuda", "opencl" or "cpu" (the ILGPU CPU accelerator, which simulates a GPU on the host's cores).</summary>
    public string Kind => Accelerator.AcceleratorType switch
    {
        AcceleratorType.Cuda => "cuda",
        AcceleratorType.OpenCL => "opencl",
        _ => "cpu",
    };

    public string Name => Accelerator.Name;

    /// <summary>
    /// Held around a launch and the wait for it on the CPU accelerator: it spreads one kernel over every core, so
    /// kernels of several nodes gain nothing by overlapping there. Real GPUs overlap the streams of different nodes.
    /// </summary>
    internal Lock LaunchLock { get; } = new();

    internal bool SerialisesLaunches => Accelerator.AcceleratorType == AcceleratorType.CPU;

    /// <summary>Threads to launch for <paramref name="work"/> items: kernels loop grid-stride, so more threads than the device runs at once buy nothing.</summary>
    public int ThreadsFor(long work) => (int)Math.Clamp(work, 1, Math.Max(Accelerator.MaxNumThreads, 1));

    /// <summary>The best accelerator this machine has: CUDA, then an OpenCL GPU, then the ILGPU CPU accelerator.</summary>
    public static SharedAccelerator CreateBest()
    {
        var context = Context.Create(b => b.AllAccelerators().EnableAlgorithms().Optimize(OptimizationLevel.O1));
        try
        {
            var cuda = context.GetCudaDevices();
            if (cuda.Count > 0) return new SharedAccelerator(context, cuda[0].CreateAccelerator(context));
            // An OpenCL CPU driver (pocl) is no faster than ILGPU's own CPU accelerator: only an OpenCL GPU counts.
            foreach (var device in context.GetCLDevices())
            {
                if (device.DeviceType == CLDeviceType.CL_DEVICE_TYPE_GPU) return new SharedAccelerator(context, device.CreateAccelerator(context));
            }
            return new SharedAccelerator(context, context.CreateCPUAccelerator(0));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The machine's GPU — CUDA, else an OpenCL device of GPU type — or null when it has none (ILGPU's CPU accelerator
    /// does not count: it emulates a GPU thread by thread and is slower than the CPU code).
    /// </summary>
    public static SharedAccelerator? CreateGpuOrNull()
    {
        var context = Context.Create(b => b.Cuda().OpenCL().EnableAlgorithms().Optimize(OptimizationLevel.O1));
        try
        {
            var cuda = context.GetCudaDevices();
            if (cuda.Count > 0) return new SharedAccelerator(context, cuda[0].CreateAccelerator(context));
            foreach (var device in context.GetCLDevices())
            {
                if (device.DeviceType == CLDeviceType.CL_DEVICE_TYPE_GPU) return new SharedAccelerator(context, device.CreateAccelerator(context));
            }
        }
        catch
        {
            context.Dispose();
            throw;
        }
        context.Dispose();
        return null;
    }

    /// <summary>The ILGPU CPU accelerator, whatever else the machine has (tests check the kernels on it).</summary>
    public static SharedAccelerator CreateCpu()
    {
        var context = Context.Create(b => b.CPU().EnableAlgorithms().Optimize(OptimizationLevel.O1));
        try
        {
            return new SharedAccelerator(context, context.CreateCPUAccelerator(0));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public override string ToString() => $"{Kind} accelerator '{Name}'";

    public void Dispose()
    {
        Accelerator.Dispose();
        _context.Dispose();
    }
}
