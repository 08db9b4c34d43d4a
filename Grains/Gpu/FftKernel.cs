using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Gpu;

/// <summary>The <c>fft</c> operator on an accelerator: every element of a batch transformed in one batched FFT.</summary>
internal sealed class FftKernel : KernelHost
{
    private readonly GpuFft _fft;
    private readonly StagedBuffer<float> _input;
    private readonly StagedBuffer<float> _output;

    public FftKernel(SharedAccelerator gpu) : base(gpu)
    {
        _fft = new GpuFft(gpu);
        _input = new StagedBuffer<float>(Accelerator);
        _output = new StagedBuffer<float>(Accelerator);
    }

    public void Run(InputBatch input, OutputBuffer output, bool inverse, string what)
    {
        var floats = 2 * input.Count * input.Width;
        ReadOnlySpan<float> result;
        using (EnterLaunch())
        {
            var source = _input.Upload(Stream, input.Float32s);
            var target = _output.View(floats);
            _fft.Enqueue(Stream, source, target, input.Count, input.Width, inverse, what);
            result = _output.Download(Stream, floats);
        }
        var width = 2 * input.Width;
        for (var i = 0; i < input.Count; i++) result.Slice(i * width, width).CopyTo(output.NextComplex(input.Width));
    }

    public override void Dispose()
    {
        _fft.Dispose();
        _input.Dispose();
        _output.Dispose();
        base.Dispose();
    }
}
