using ILGPU;
using ILGPU.Runtime;

namespace Dagger.Orleans.Gpu;

/// <summary>
/// <c>corner_turn</c> on an accelerator: one grid-stride launch transposes a rows × columns matrix whose entries are
/// 1 float (real) or 2 (complex). The operator fills the page-locked upload buffer (<see cref="Staging"/>) row by row
/// as elements arrive, so a matrix is copied once on its way in.
/// </summary>
internal sealed class CornerTurnKernel : KernelHost
{
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int, int> _kernel;
    private readonly StagedBuffer<float> _input;
    private readonly StagedBuffer<float> _output;

    public CornerTurnKernel(SharedAccelerator gpu) : base(gpu)
    {
        _kernel = Accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int, int>(Transpose);
        _input = new StagedBuffer<float>(Accelerator);
        _output = new StagedBuffer<float>(Accelerator);
    }

    /// <summary>The page-locked buffer the next matrix is written into (<paramref name="floats"/> long); its content is kept until <see cref="Run(int, int, int)"/>.</summary>
    public Span<float> Staging(int floats) => _input.Host(floats);

    /// <summary>Transposes the matrix in <see cref="Staging"/>; the columns × rows result is valid until the next call.</summary>
    public ReadOnlySpan<float> Run(int rows, int columns, int components)
    {
        var floats = rows * columns * components;
        using (EnterLaunch())
        {
            var source = (ArrayView1D<float, Stride1D.Dense>)_input.View(floats);
            ReadOnlySpan<float> staged = _input.Host(floats);
            source.CopyFromCPU(Stream, in staged);
            var target = _output.View(floats);
            var entries = rows * columns;
            var threads = Gpu.ThreadsFor(entries);
            _kernel(Stream, threads, source, target, rows, columns, components, entries, threads);
            return _output.Download(Stream, floats);
        }
    }

    /// <summary>Copies <paramref name="matrix"/> into <see cref="Staging"/> and transposes it (the kernel called on its own).</summary>
    public ReadOnlySpan<float> Run(ReadOnlySpan<float> matrix, int rows, int columns, int components)
    {
        matrix.CopyTo(Staging(matrix.Length));
        return Run(rows, columns, components);
    }

    private static void Transpose(Index1D thread, ArrayView<float> source, ArrayView<float> target, int rows, int columns, int components, int entries, int stride)
    {
        for (var s = thread.X; s < entries; s += stride)
        {
            var r = s / columns;
            var c = s - r * columns;
            var to = (c * rows + r) * components;
            var from = s * components;
            for (var k = 0; k < components; k++) target[to + k] = source[from + k];
        }
    }

    public override void Dispose()
    {
        _input.Dispose();
        _output.Dispose();
        base.Dispose();
    }
}
