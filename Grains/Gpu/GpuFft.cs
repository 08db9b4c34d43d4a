using Dagger.Orleans.Operators.Signal;
using ILGPU;
using ILGPU.Runtime;

namespace Dagger.Orleans.Gpu;

/// <summary>
/// Batched radix-2 FFT on an accelerator, the same algorithm and twiddles as <see cref="FftPlan"/>: one grid-stride
/// launch for the bit-reversal permutation, then one per butterfly stage (log₂ n launches), then a scale for the
/// inverse. Rows of n complex samples lie one after the other, interleaved re, im.
/// </summary>
internal sealed class GpuFft : IDisposable
{
    private readonly SharedAccelerator _gpu;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int, int> _permute;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int, int, float, int> _stage;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, float, int, int> _scale;
    private readonly StagedBuffer<float> _twiddles;
    private readonly StagedBuffer<int> _bitReversed;
    private int _length;

    public GpuFft(SharedAccelerator gpu)
    {
        _gpu = gpu;
        var accelerator = gpu.Accelerator;
        _permute = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int, int>(Permute);
        _stage = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, float, int>(Stage);
        _scale = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, float, int, int>(Scale);
        _twiddles = new StagedBuffer<float>(accelerator);
        _bitReversed = new StagedBuffer<int>(accelerator);
    }

    /// <summary>
    /// Queues the transform of <paramref name="rows"/> rows of <paramref name="n"/> samples from <paramref name="source"/>
    /// into <paramref name="target"/> (distinct views of 2·rows·n floats each) on <paramref name="stream"/>.
    /// </summary>
    public void Enqueue(AcceleratorStream stream, ArrayView<float> source, ArrayView<float> target, int rows, int n, bool inverse, string what)
    {
        var plan = FftPlan.For(n, what);
        if (_length != n)
        {
            // Uploaded once per length (a node sees one length in steady state).
            _twiddles.Upload(stream, plan.Twiddles);
            _bitReversed.Upload(stream, plan.BitReversed);
            _length = n;
        }
        var twiddles = _twiddles.View(plan.Twiddles.Length);
        var samples = rows * n;
        var threads = _gpu.ThreadsFor(samples);
        _permute(stream, threads, source, target, _bitReversed.View(n), n, samples, threads);
        var butterflies = samples / 2;
        threads = _gpu.ThreadsFor(butterflies);
        var sign = inverse ? -1f : 1f;
        for (var half = 1; half < n; half <<= 1) _stage(stream, threads, target, twiddles, n, half, butterflies, sign, threads);
        if (inverse)
        {
            threads = _gpu.ThreadsFor(2 * samples);
            _scale(stream, threads, target, 1f / n, 2 * samples, threads);
        }
    }

    private static void Permute(Index1D thread, ArrayView<float> source, ArrayView<float> target, ArrayView<int> bitReversed, int n, int samples, int stride)
    {
        for (var s = thread.X; s < samples; s += stride)
        {
            var row = s / n;
            var to = row * n + bitReversed[s - row * n];
            target[2 * to] = source[2 * s];
            target[2 * to + 1] = source[2 * s + 1];
        }
    }

    private static void Stage(Index1D thread, ArrayView<float> data, ArrayView<float> twiddles, int n, int half, int butterflies, float sign, int stride)
    {
        var perRow = n / 2;
        var step = n / (2 * half);
        for (var t = thread.X; t < butterflies; t += stride)
        {
            var row = t / perRow;
            var j = t - row * perRow;
            var group = j / half;
            var k = j - group * half;
            var a = 2 * (row * n + group * 2 * half + k);
            var b = a + 2 * half;
            var wr = twiddles[2 * k * step];
            var wi = sign * twiddles[2 * k * step + 1];
            var br = data[b] * wr - data[b + 1] * wi;
            var bi = data[b] * wi + data[b + 1] * wr;
            var ar = data[a];
            var ai = data[a + 1];
            data[a] = ar + br;
            data[a + 1] = ai + bi;
            data[b] = ar - br;
            data[b + 1] = ai - bi;
        }
    }

    private static void Scale(Index1D thread, ArrayView<float> data, float factor, int floats, int stride)
    {
        for (var i = thread.X; i < floats; i += stride) data[i] *= factor;
    }

    public void Dispose()
    {
        _twiddles.Dispose();
        _bitReversed.Dispose();
    }
}
