using System.Diagnostics;
using Dagger.Orleans.Gpu;
using ILGPU;
using ILGPU.Runtime;

namespace Dagger.Orleans.Benchmarks;

/// <summary>
/// What one batch's trip to the accelerator and back costs on the signal operators' path: copy into the page-locked
/// twin, host → device, device → host, copy out — the steps StagedBuffer takes around every kernel — with the
/// buffers allocated once, as a node does. Run: `dotnet run -c Release --project tests/Dagger.Benchmarks -- signal [cpu|best]`.
/// </summary>
public static class SignalTransferBenchmark
{
    public static int Run(string[] args)
    {
        using var gpu = args.Length > 0 && args[0] == "best" ? SharedAccelerator.CreateBest() : SharedAccelerator.CreateCpu();
        Console.WriteLine($"accelerator: {gpu}");
        Console.WriteLine("batch bytes | µs per round trip (median of 7) | GB/s each way");
        foreach (var bytes in new[] { 4 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20 })
        {
            var floats = bytes / 4;
            var batch = new float[floats];
            var back = new float[floats];
            using var device = gpu.Accelerator.Allocate1D<float>(floats);
            using var pinned = gpu.Accelerator.AllocatePageLocked1D<float>(floats);
            using var stream = gpu.Accelerator.CreateStream();
            var rounds = Math.Max(20, (64 << 20) / bytes);
            var samples = new double[7];
            for (var s = -1; s < samples.Length; s++)
            {
                var clock = Stopwatch.StartNew();
                for (var r = 0; r < rounds; r++) RoundTrip(stream, batch, back, pinned, device.View);
                if (s >= 0) samples[s] = clock.Elapsed.TotalMicroseconds / rounds;
            }
            Array.Sort(samples);
            var median = samples[samples.Length / 2];
            Console.WriteLine($"{bytes,11} | {median,30:F2} | {bytes / (median / 2) / 1e3,13:F2}");
        }
        return 0;
    }

    private static void RoundTrip(AcceleratorStream stream, float[] batch, float[] back, PageLockedArray1D<float> pinned, ArrayView1D<float, Stride1D.Dense> device)
    {
        var host = pinned.Span;
        batch.CopyTo(host);
        ReadOnlySpan<float> up = host;
        device.CopyFromCPU(stream, in up);
        var down = host;
        device.CopyToCPU(stream, in down);
        stream.Synchronize();
        host.CopyTo(back);
    }
}
