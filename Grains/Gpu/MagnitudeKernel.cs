using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace Dagger.Orleans.Gpu;

/// <summary>The <c>magnitude</c> operator on an accelerator: |z| of every sample of a batch in one grid-stride launch.</summary>
internal sealed class MagnitudeKernel : KernelHost
{
    private readonly Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, int> _kernel;
    private readonly StagedBuffer<float> _input;
    private readonly StagedBuffer<float> _output;

    public MagnitudeKernel(SharedAccelerator gpu) : base(gpu)
    {
        _kernel = Accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(Magnitudes);
        _input = new StagedBuffer<float>(Accelerator);
        _output = new StagedBuffer<float>(Accelerator);
    }

    public void Run(InputBatch input, OutputBuffer output)
    {
        var samples = input.Count * input.Width;
        ReadOnlySpan<float> result;
        using (EnterLaunch())
        {
            var source = _input.Upload(Stream, input.Float32s);
            var target = _output.View(samples);
            var threads = Gpu.ThreadsFor(samples);
            _kernel(Stream, threads, source, target, samples, threads);
            result = _output.Download(Stream, samples);
        }
        for (var i = 0; i < input.Count; i++) result.Slice(i * input.Width, input.Width).CopyTo(output.NextVector(input.Width));
    }

    private static void Magnitudes(Index1D thread, ArrayView<float> interleaved, ArrayView<float> magnitudes, int samples, int stride)
    {
        for (var n = thread.X; n < samples; n += stride)
        {
            var re = interleaved[2 * n];
            var im = interleaved[2 * n + 1];
            magnitudes[n] = XMath.Sqrt(re * re + im * im);
        }
    }

    public override void Dispose()
    {
        _input.Dispose();
        _output.Dispose();
        base.Dispose();
    }
}
