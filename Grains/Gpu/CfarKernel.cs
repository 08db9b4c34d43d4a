using ILGPU;
using ILGPU.Runtime;

namespace Dagger.Orleans.Gpu;

/// <summary>
/// CFAR on an accelerator: one thread per cell (grid-stride) sums its 2·Ncfar reference cells directly — O(Ncfar)
/// per cell but no serial dependency — and writes P/T; the host picks out the cells above μ.
/// </summary>
internal sealed class CfarKernel : KernelHost
{
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int, int> _kernel;
    private readonly StagedBuffer<float> _cells;
    private readonly StagedBuffer<float> _ratios;

    public CfarKernel(SharedAccelerator gpu) : base(gpu)
    {
        _kernel = Accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int, int>(Ratios);
        _cells = new StagedBuffer<float>(Accelerator);
        _ratios = new StagedBuffer<float>(Accelerator);
    }

    /// <summary>P/T of every cell of <paramref name="rows"/> vectors of <paramref name="width"/> cells; valid until the next call.</summary>
    public ReadOnlySpan<float> Run(ReadOnlySpan<float> cells, int rows, int width, int guard, int reference)
    {
        using (EnterLaunch())
        {
            var source = _cells.Upload(Stream, cells);
            var target = _ratios.View(cells.Length);
            var threads = Gpu.ThreadsFor(cells.Length);
            _kernel(Stream, threads, source, target, width, guard, reference, cells.Length, threads);
            return _ratios.Download(Stream, cells.Length);
        }
    }

    private static void Ratios(Index1D thread, ArrayView<float> cells, ArrayView<float> ratios, int width, int guard, int reference, int total, int stride)
    {
        for (var s = thread.X; s < total; s += stride)
        {
            var row = s / width;
            var j = s - row * width;
            var start = row * width;
            var sum = 0.0;
            var count = 0;
            for (var l = guard + 1; l <= guard + reference; l++)
            {
                if (j - l >= 0)
                {
                    var v = (double)cells[start + j - l];
                    sum += v * v;
                    count++;
                }
                if (j + l < width)
                {
                    var v = (double)cells[start + j + l];
                    sum += v * v;
                    count++;
                }
            }
            var c = (double)cells[s];
            ratios[s] = count == 0 ? 0f : (float)(c * c / (sum / count));
        }
    }

    public override void Dispose()
    {
        _cells.Dispose();
        _ratios.Dispose();
        base.Dispose();
    }
}
