using System.Runtime.InteropServices;

namespace Dagger.Orleans.Operators.Signal.Simd;

/// <summary>
/// A thin binding to FFTW's single-precision library (Debian <c>libfftw3-single3</c>), used by <see cref="FftPlan"/> when
/// it is installed, for the lengths where it measured faster than ours (see FftPlan). Without the library (or with <c>DAGGER_FFTW=off</c>) every plan uses our FFT.
/// Plans are made once per length and direction (FFTW's planner is not thread-safe: made under a lock), in place and
/// with FFTW_UNALIGNED, so one plan executes on any array (fftwf_execute_dft is thread-safe).
/// </summary>
internal static class Fftw
{
    private const string Library = "libfftw3f.so.3";
    private const int Forward = -1;
    private const int Backward = 1;
    private const uint Measure = 0;
    private const uint Unaligned = 1u << 1;
    private static readonly Lock s_planner = new();

    /// <summary>True when the library loads and <c>DAGGER_FFTW</c> is not <c>off</c>.</summary>
    public static bool Available { get; } = Probe();

    private static bool Probe()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("DAGGER_FFTW"), "off", StringComparison.OrdinalIgnoreCase)) return false;
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad(Library, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>The forward and backward in-place plans of <paramref name="length"/> complex samples.</summary>
    public static (IntPtr Forward, IntPtr Backward) Plans(int length)
    {
        // FFTW_MEASURE overwrites the arrays it plans on: plan on scratch, bounded in time for long transforms.
        var scratch = new float[2 * length];
        lock (s_planner)
        {
            fftwf_set_timelimit(0.5);
            var forward = fftwf_plan_dft_1d(length, ref scratch[0], ref scratch[0], Forward, Measure | Unaligned);
            var backward = fftwf_plan_dft_1d(length, ref scratch[0], ref scratch[0], Backward, Measure | Unaligned);
            if (forward == IntPtr.Zero || backward == IntPtr.Zero) throw new InvalidOperationException($"FFTW could not plan a transform of {length} samples");
            return (forward, backward);
        }
    }

    /// <summary>Runs <paramref name="plan"/> in place on the interleaved <paramref name="data"/> (its length's samples).</summary>
    public static void Execute(IntPtr plan, Span<float> data) => fftwf_execute_dft(plan, ref MemoryMarshal.GetReference(data), ref MemoryMarshal.GetReference(data));

    [DllImport(Library)]
    private static extern IntPtr fftwf_plan_dft_1d(int n, ref float input, ref float output, int sign, uint flags);

    [DllImport(Library)]
    private static extern void fftwf_execute_dft(IntPtr plan, ref float input, ref float output);

    [DllImport(Library)]
    private static extern void fftwf_set_timelimit(double seconds);
}
