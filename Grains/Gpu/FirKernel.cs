using ILGPU;
using ILGPU.Runtime;

namespace Dagger.Orleans.Gpu;

/// <summary>
/// Full complex convolution on an accelerator, one grid-stride launch for a whole batch: row m of the input is
/// convolved with tap set m mod (number of tap sets). Each thread computes whole output samples (K products each, summed in double).
/// </summary>
internal sealed class FirKernel : KernelHost
{
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int, int> _kernel;
    private readonly StagedBuffer<float> _input;
    private readonly StagedBuffer<float> _taps;
    private readonly StagedBuffer<float> _output;
    private float[]? _uploadedTaps;

    public FirKernel(SharedAccelerator gpu) : base(gpu)
    {
        _kernel = Accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int, int>(Convolve);
        _input = new StagedBuffer<float>(Accelerator);
        _taps = new StagedBuffer<float>(Accelerator);
        _output = new StagedBuffer<float>(Accelerator);
    }

    /// <summary>
    /// Convolves <paramref name="rows"/> rows of <paramref name="n"/> samples (<paramref name="input"/>) with
    /// <paramref name="taps"/> (sets of <paramref name="k"/> taps, one after the other) and returns the rows of n+k−1
    /// samples, valid until the next call.
    /// </summary>
    public ReadOnlySpan<float> Run(ReadOnlySpan<float> input, int rows, int n, float[] taps, int k)
    {
        var outLength = n + k - 1;
        var floats = 2 * rows * outLength;
        using (EnterLaunch())
        {
            if (!ReferenceEquals(taps, _uploadedTaps))
            {
                _taps.Upload(Stream, taps);
                _uploadedTaps = taps;
            }
            var source = _input.Upload(Stream, input);
            var target = _output.View(floats);
            var samples = rows * outLength;
            var threads = Gpu.ThreadsFor(samples);
            _kernel(Stream, threads, source, _taps.View(taps.Length), target, n, k, taps.Length / (2 * k), rows, samples, threads);
            return _output.Download(Stream, floats);
        }
    }

    private static void Convolve(Index1D thread, ArrayView<float> x, ArrayView<float> h, ArrayView<float> y, int n, int k, int sets, int rows, int samples, int stride)
    {
        var outLength = n + k - 1;
        for (var s = thread.X; s < samples; s += stride)
        {
            var row = s / outLength;
            var i = s - row * outLength;
            var xBase = 2 * row * n;
            var hBase = 2 * (row % sets) * k;
            var first = i - n + 1 > 0 ? i - n + 1 : 0;
            var last = k - 1 < i ? k - 1 : i;
            // Accumulated in double like the CPU reference: the two paths agree to the rounding of the result.
            var re = 0.0;
            var im = 0.0;
            for (var j = first; j <= last; j++)
            {
                var hr = (double)h[hBase + 2 * j];
                var hi = (double)h[hBase + 2 * j + 1];
                var xr = (double)x[xBase + 2 * (i - j)];
                var xi = (double)x[xBase + 2 * (i - j) + 1];
                re += hr * xr - hi * xi;
                im += hr * xi + hi * xr;
            }
            y[2 * s] = (float)re;
            y[2 * s + 1] = (float)im;
        }
    }

    public override void Dispose()
    {
        _input.Dispose();
        _taps.Dispose();
        _output.Dispose();
        base.Dispose();
    }
}
