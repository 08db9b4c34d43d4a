using Dagger.Orleans.Operators.Signal;

namespace Dagger.Orleans.Bench.Signal;

/// <summary>
/// Our side of the GNU Radio comparisons: the code the <c>fir</c>, <c>fdfir</c> and <c>fft</c> operators run per element
/// on their CPU path, called in a loop on one thread (GNU Radio's blocks are one thread each too).
/// </summary>
internal static class SignalKernels
{
    public const int Taps = 128;
    public const int FirWidth = 4096;
    public const int FftFilterWidth = 897; // N + K − 1 = 1024: the whole FFT holds output
    public const int FftLength = 1024;

    /// <summary>Input samples per second through <c>fir</c> (full convolution of 4096-sample vectors with 128 taps).</summary>
    public static double Fir(TimeSpan atLeast, CancellationToken cancellation)
    {
        var x = Random(FirWidth, 1000);
        var h = Random(Taps, 2000);
        var y = new float[2 * (FirWidth + Taps - 1)];
        return FirWidth * Hpec.DagTiming.CallsPerSecond(() => Convolution.Full(x, h, y), atLeast, cancellation);
    }

    /// <summary>Input samples per second through <c>fdfir</c> on 897-sample vectors (F = 1024).</summary>
    public static double FftFilter(TimeSpan atLeast, CancellationToken cancellation)
    {
        var x = Random(FftFilterWidth, 1000);
        var filter = new FastConvolution(Random(Taps, 2000));
        var f = filter.FftLength(FftFilterWidth, null, "bench");
        var y = new float[2 * (FftFilterWidth + Taps - 1)];
        return FftFilterWidth * Hpec.DagTiming.CallsPerSecond(() => filter.Full(x, y, f, "bench"), atLeast, cancellation);
    }

    /// <summary>
    /// 1024-point transforms per second (forward and inverse in turn, so the data stays bounded): through the plan
    /// <c>fft</c> uses (FFTW where installed), or through our own FFT when <paramref name="ours"/>.
    /// </summary>
    public static double Fft(bool ours, TimeSpan atLeast, CancellationToken cancellation)
    {
        var x = Random(FftLength, 3000);
        var plan = ours ? FftPlan.Managed(FftLength) : FftPlan.For(FftLength, "bench");
        return 2 * Hpec.DagTiming.CallsPerSecond(() =>
        {
            plan.Transform(x, inverse: false);
            plan.Transform(x, inverse: true);
        }, atLeast, cancellation);
    }

    /// <summary>Samples per second through <c>fm_demod</c>'s TransformAsync, batches of 16 elements of 4096 samples.</summary>
    public static double FmDemod(TimeSpan atLeast, CancellationToken cancellation)
    {
        const int elements = 16, width = 4096;
        var demod = new FmDemodOperator();
        var batch = Wire.Batch.Rent(Wire.ElementKind.Complex, elements, width);
        batch.Count = elements;
        Random(elements * width, 4000).AsSpan(0, batch.Float32s.Length).CopyTo(batch.Float32s);
        var output = new Operators.OutputBuffer(elements);
        var rate = elements * width * Hpec.DagTiming.CallsPerSecond(() =>
        {
            // Completes synchronously (the operator does no I/O); the output batches go back to their pool.
            var pending = demod.TransformAsync(0, batch, output, cancellation);
            if (!pending.IsCompletedSuccessfully) throw new InvalidOperationException("fm_demod did not complete synchronously");
            output.Flush();
            while (output.HasReady) output.TakeReady().Release();
        }, atLeast, cancellation);
        batch.Release();
        return rate;
    }

    private static float[] Random(int samples, int seed)
    {
        var random = new Random(seed);
        var x = new float[2 * samples];
        for (var i = 0; i < x.Length; i++) x[i] = (float)(2 * random.NextDouble() - 1);
        return x;
    }
}
