using Dagger.Orleans.Gpu;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Signal;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>
/// The ILGPU kernels compute what the CPU code computes. A node runs its kernels only on a real GPU; here they run on
/// ILGPU's CPU accelerator, which executes the same kernel code thread by thread — a test of the kernels' logic, so a
/// CUDA silo gives the numbers a CPU silo gives.
/// </summary>
public sealed class CpuAndAcceleratorAgreeTests
{
    private const int Elements = 16;

    public static TheoryData<string, string, int, double> Operators => new()
    {
        // op, args, samples per element, tolerance relative to the output's largest value
        { "magnitude", "{}", 300, 1e-6 },
        { "fft", "{}", 256, 1e-6 },
        { "fft", """{"inverse":true}""", 512, 1e-6 },
        { "fir", """{"taps":"0.5,0.1;-0.25,0.3;0.125,-0.2;1,0"}""", 200, 1e-6 },
        { "pulse_compress", """{"samples":32,"bandwidth":0.8}""", 100, 1e-5 },
        { "doppler", """{"pulses":8}""", 40, 1e-6 },
    };

    [Theory]
    [MemberData(nameof(Operators))]
    public void The_cpu_code_and_the_kernel_give_the_same_output(string op, string args, int samples, double tolerance)
    {
        var data = SignalData.RandomComplex(samples * Elements, seed: 42);
        var vectors = new float[Elements][];
        for (var e = 0; e < Elements; e++) vectors[e] = data.AsSpan(2 * e * samples, 2 * samples).ToArray();

        var cpu = RunOperator(op, args, vectors);
        var kernel = RunKernel(op, data, samples);

        Assert.Equal(cpu.Count, kernel.Count);
        var scale = cpu.SelectMany(e => e).Max(v => Math.Abs(v));
        for (var e = 0; e < cpu.Count; e++)
        {
            Assert.Equal(cpu[e].Length, kernel[e].Length);
            for (var i = 0; i < cpu[e].Length; i++)
                Assert.True(Math.Abs(cpu[e][i] - kernel[e][i]) <= tolerance * scale, $"{op} element {e} value {i}: cpu {cpu[e][i]}, kernel {kernel[e][i]}");
        }
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("any")]
    public void A_gpu_node_runs_the_cpu_code_unless_the_process_has_a_gpu(string device)
    {
        var x = SignalData.RandomComplex(64, seed: 3);
        var fir = OperatorHarness.Create<TransformOperator>("fir", """{"taps":"0.5,0.1;1,0"}""", device);

        var output = OperatorHarness.Elements(OperatorHarness.Transform(fir, [OperatorHarness.ComplexBatch(x)]));

        var expected = new float[2 * 65];
        Convolution.Full(x, [0.5f, 0.1f, 1f, 0f], expected);
        if (!ProcessAccelerator.Wanted(device))
        {
            // Bit for bit: the CPU code ran, not the kernel on ILGPU's CPU accelerator (which rounds differently).
            Assert.Equal(expected, output[0]);
            return;
        }
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - output[0][i]) <= 1e-6, $"value {i}: cpu {expected[i]}, gpu {output[0][i]}");
    }

    [Fact]
    public void Cfar_detects_the_same_cells_on_both_paths()
    {
        const int rows = 8, width = 128;
        var input = SignalData.RandomComplex(rows * width, seed: 9);
        var cells = new float[rows * width];
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < width; j++) cells[r * width + j] = Math.Abs(input[r * width + j]) + (j == 17 * (r + 1) % width ? 50f : 0f);
        }
        var rowArrays = Enumerable.Range(0, rows).Select(r => cells.AsSpan(r * width, width).ToArray()).ToArray();
        var cfar = OperatorHarness.Create<TransformOperator>("cfar", """{"guard":2,"reference":8,"mu":30}""");
        var cpu = OperatorHarness.Transform(cfar, [OperatorHarness.VectorBatch(rowArrays)])
            .SelectMany(b => b.RecordSpan.ToArray()).Select(r => r.Key).ToList();

        using var kernel = new CfarKernel(SignalData.CpuAccelerator);
        var ratios = kernel.Run(cells, rows, width, guard: 2, reference: 8).ToArray();
        var detected = Enumerable.Range(0, rows * width).Where(i => ratios[i] > 30).Select(i => (long)i).ToList();

        Assert.Equal(8, cpu.Count);
        Assert.Equal(cpu, detected);
    }

    private static List<float[]> RunOperator(string op, string args, float[][] vectors)
    {
        var transform = OperatorHarness.Create<TransformOperator>(op, args);
        // Two batches, so per-node buffers are reused across batches.
        var output = OperatorHarness.Transform(transform, [OperatorHarness.ComplexBatch(vectors[..(Elements / 2)]), OperatorHarness.ComplexBatch(vectors[(Elements / 2)..])]);
        var result = OperatorHarness.Elements(output);
        OperatorHarness.ReleaseAll(output);
        return result;
    }

    private static List<float[]> RunKernel(string op, float[] data, int samples)
    {
        var gpu = SignalData.CpuAccelerator;
        switch (op)
        {
            case "magnitude":
            {
                using var kernel = new MagnitudeKernel(gpu);
                return ThroughOutput(data, samples, (batch, output) => kernel.Run(batch, output));
            }
            case "fft":
            {
                using var kernel = new FftKernel(gpu);
                var inverse = samples == 512;
                return ThroughOutput(data, samples, (batch, output) => kernel.Run(batch, output, inverse, "test"));
            }
            case "fir":
            {
                using var kernel = new FirKernel(gpu);
                float[] taps = [0.5f, 0.1f, -0.25f, 0.3f, 0.125f, -0.2f, 1f, 0f];
                return Rows(kernel.Run(data, Elements, samples, taps, 4), samples + 3);
            }
            case "pulse_compress":
            {
                using var kernel = new PulseCompressKernel(gpu);
                return Rows(kernel.Run(data, Elements, samples, new MatchedFilter(32, 0.8), "test"), samples);
            }
            case "doppler":
            {
                using var kernel = new DopplerKernel(gpu);
                var rows = new List<float[]>();
                for (var cpi = 0; cpi < Elements / 8; cpi++)
                    rows.AddRange(Rows(kernel.Run(data.AsSpan(2 * cpi * 8 * samples, 2 * 8 * samples), 8, samples, "test"), samples));
                return rows;
            }
            default:
                throw new ArgumentException($"no kernel case for {op}", nameof(op));
        }
    }

    private static List<float[]> ThroughOutput(float[] data, int samples, Action<Batch, OutputBuffer> run)
    {
        var batch = Batch.Rent(ElementKind.Complex, Elements, samples);
        batch.Count = Elements;
        data.CopyTo(batch.Float32s);
        var output = new OutputBuffer(1024);
        run(batch, output);
        output.Flush();
        var batches = new List<Batch>();
        while (output.HasReady) batches.Add(output.TakeReady());
        var result = OperatorHarness.Elements(batches);
        OperatorHarness.ReleaseAll(batches);
        batch.Release();
        return result;
    }

    private static List<float[]> Rows(ReadOnlySpan<float> flat, int samples)
    {
        var rows = new List<float[]>();
        for (var i = 0; i < flat.Length / (2 * samples); i++) rows.Add(flat.Slice(2 * i * samples, 2 * samples).ToArray());
        return rows;
    }
}
