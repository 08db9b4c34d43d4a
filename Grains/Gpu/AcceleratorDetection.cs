using Dagger.Orleans.Placement;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace Dagger.Orleans.Gpu;

/// <summary>How a silo settled its accelerator: the setting, the outcome, and why detection failed if it did.</summary>
public sealed record AcceleratorChoice(string Setting, SiloAccelerator Accelerator, Exception? DetectionFailure);

/// <summary>
/// Finds the silo's accelerator with ILGPU: a CUDA device, or an OpenCL device of GPU type (an OpenCL CPU driver
/// such as pocl is not a GPU). Without any GPU driver this takes tens of milliseconds and finds none.
/// </summary>
public static class AcceleratorDetection
{
    /// <summary>
    /// Settles the accelerator for a <see cref="Runtime.DaggerOptions.Accelerator"/> setting: <c>auto</c> detects,
    /// <c>gpu</c> takes a detected GPU or else declares ILGPU's CPU accelerator a GPU (for test silos), <c>cpu</c>
    /// detects nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The setting is none of auto, gpu, cpu.</exception>
    public static AcceleratorChoice Resolve(string? setting)
    {
        switch (setting)
        {
            case Accelerators.Cpu:
                return new AcceleratorChoice(setting, Cpu(declared: true), null);
            case Accelerators.Auto or Accelerators.Gpu:
                var (gpu, failure) = FindGpu();
                var accelerator = gpu
                    ?? (setting == Accelerators.Gpu
                        ? new SiloAccelerator(Accelerators.Gpu, "ILGPU CPU accelerator", 0, "cpu", Declared: true)
                        : Cpu(declared: false));
                return new AcceleratorChoice(setting, accelerator, failure);
            default:
                throw new ArgumentException(
                    $"DaggerOptions.Accelerator '{setting}' is not one of {string.Join(", ", Accelerators.Settings)}", nameof(setting));
        }
    }

    /// <summary>The first GPU ILGPU can open (CUDA before OpenCL), or null; a driver that fails to load is the failure, not a crash.</summary>
    public static (SiloAccelerator? Gpu, Exception? Failure) FindGpu()
    {
        try
        {
            using var context = Context.Create(builder => builder.Cuda().OpenCL());
            foreach (var device in context.Devices)
            {
                if (device is CudaDevice || device is CLDevice { DeviceType: CLDeviceType.CL_DEVICE_TYPE_GPU })
                {
                    return (new SiloAccelerator(Accelerators.Gpu, device.Name, device.MemorySize, BackendOf(device.AcceleratorType), Declared: false), null);
                }
            }
            return (null, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A broken or partial driver install: the silo still starts, as a CPU silo, and says why at start-up.
            return (null, e);
        }
    }

    private static SiloAccelerator Cpu(bool declared) =>
        new(Accelerators.Cpu, $"{Environment.ProcessorCount} cores", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, "cpu", declared);

    private static string BackendOf(AcceleratorType type) => type switch
    {
        AcceleratorType.Cuda => "cuda",
        AcceleratorType.OpenCL => "opencl",
        _ => "cpu",
    };
}
