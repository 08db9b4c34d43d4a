using ILGPU;
using ILGPU.Runtime;

namespace Dagger.Orleans.Gpu;

/// <summary>Element-wise and reshaping kernels shared by the FFT-based operators (all grid-stride, complex interleaved).</summary>
internal sealed class RowKernels
{
    private readonly SharedAccelerator _gpu;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int> _resize;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int, int> _multiplyRows;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int> _transpose;

    public RowKernels(SharedAccelerator gpu)
    {
        _gpu = gpu;
        _resize = gpu.Accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int>(Resize);
        _multiplyRows = gpu.Accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(MultiplyRows);
        _transpose = gpu.Accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int>(Transpose);
    }

    /// <summary>Rows of <paramref name="from"/> samples copied into rows of <paramref name="to"/> samples: cut, or padded with zeros.</summary>
    public void Resize(AcceleratorStream stream, ArrayView<float> source, ArrayView<float> target, int rows, int from, int to)
    {
        var samples = rows * to;
        var threads = _gpu.ThreadsFor(samples);
        _resize(stream, threads, source, target, from, to, samples, threads);
    }

    /// <summary>Every row of <paramref name="data"/> (rows of <paramref name="n"/> samples) multiplied sample by sample with <paramref name="row"/>.</summary>
    public void MultiplyRows(AcceleratorStream stream, ArrayView<float> data, ArrayView<float> row, int rows, int n)
    {
        var samples = rows * n;
        var threads = _gpu.ThreadsFor(samples);
        _multiplyRows(stream, threads, data, row, n, samples, threads);
    }

    /// <summary>A <paramref name="rows"/> × <paramref name="columns"/> matrix of samples transposed into <paramref name="target"/> (the corner turn).</summary>
    public void Transpose(AcceleratorStream stream, ArrayView<float> source, ArrayView<float> target, int rows, int columns)
    {
        var samples = rows * columns;
        var threads = _gpu.ThreadsFor(samples);
        _transpose(stream, threads, source, target, rows, columns, samples, threads);
    }

    private static void Resize(Index1D thread, ArrayView<float> source, ArrayView<float> target, int from, int to, int samples, int stride)
    {
        for (var s = thread.X; s < samples; s += stride)
        {
            var row = s / to;
            var i = s - row * to;
            var inside = i < from;
            target[2 * s] = inside ? source[2 * (row * from + i)] : 0f;
            target[2 * s + 1] = inside ? source[2 * (row * from + i) + 1] : 0f;
        }
    }

    private static void MultiplyRows(Index1D thread, ArrayView<float> data, ArrayView<float> row, int n, int samples, int stride)
    {
        for (var s = thread.X; s < samples; s += stride)
        {
            var k = s % n;
            var ar = data[2 * s];
            var ai = data[2 * s + 1];
            var br = row[2 * k];
            var bi = row[2 * k + 1];
            data[2 * s] = ar * br - ai * bi;
            data[2 * s + 1] = ar * bi + ai * br;
        }
    }

    private static void Transpose(Index1D thread, ArrayView<float> source, ArrayView<float> target, int rows, int columns, int samples, int stride)
    {
        for (var s = thread.X; s < samples; s += stride)
        {
            var r = s / columns;
            var c = s - r * columns;
            var to = c * rows + r;
            target[2 * to] = source[2 * s];
            target[2 * to + 1] = source[2 * s + 1];
        }
    }
}
