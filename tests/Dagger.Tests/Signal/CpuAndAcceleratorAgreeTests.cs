using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>
/// Every operator with a kernel gives the same numbers on its two paths: <c>"device": "cpu"</c> (managed reference)
/// and <c>"gpu"</c> (ILGPU, on this machine's best accelerator — the CPU accelerator where there is no GPU).
/// </summary>
public sealed class CpuAndAcceleratorAgreeTests
{
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
    public void Both_paths_give_the_same_output(string op, string args, int samples, double tolerance)
    {
        const int elements = 16;
        var cpu = Run(op, args, "cpu", samples, elements);
        var gpu = Run(op, args, "gpu", samples, elements);

        Assert.Equal(cpu.Count, gpu.Count);
        var scale = cpu.SelectMany(e => e).Max(v => Math.Abs(v));
        for (var e = 0; e < cpu.Count; e++)
        {
            Assert.Equal(cpu[e].Length, gpu[e].Length);
            for (var i = 0; i < cpu[e].Length; i++)
                Assert.True(Math.Abs(cpu[e][i] - gpu[e][i]) <= tolerance * scale, $"{op} element {e} value {i}: cpu {cpu[e][i]}, gpu {gpu[e][i]}");
        }
    }

    [Fact]
    public void Cfar_detects_the_same_cells_on_both_paths()
    {
        var input = SignalData.RandomComplex(8 * 128, seed: 9);
        float[][] Rows()
        {
            var rows = new float[8][];
            for (var r = 0; r < 8; r++)
            {
                rows[r] = new float[128];
                for (var j = 0; j < 128; j++) rows[r][j] = Math.Abs(input[r * 128 + j]) + (j == 17 * (r + 1) % 128 ? 50f : 0f);
            }
            return rows;
        }
        List<(long, double)> Detect(string device)
        {
            var cfar = OperatorHarness.Create<TransformOperator>("cfar", """{"guard":2,"reference":8,"mu":30}""", device);
            var output = OperatorHarness.Transform(cfar, [OperatorHarness.VectorBatch(Rows())]);
            return output.SelectMany(b => b.RecordSpan.ToArray()).Select(r => (r.Key, r.Value)).ToList();
        }

        var cpu = Detect("cpu");

        Assert.Equal(8, cpu.Count);
        Assert.Equal(cpu, Detect("gpu"));
    }

    private static List<float[]> Run(string op, string args, string device, int samples, int elements)
    {
        var transform = OperatorHarness.Create<TransformOperator>(op, args, device);
        var data = SignalData.RandomComplex(samples * elements, seed: 42);
        var vectors = new float[elements][];
        for (var e = 0; e < elements; e++) vectors[e] = data.AsSpan(2 * e * samples, 2 * samples).ToArray();
        // Two batches, so per-node buffers are reused across batches on the accelerator path.
        var first = OperatorHarness.ComplexBatch(vectors[..(elements / 2)]);
        var second = OperatorHarness.ComplexBatch(vectors[(elements / 2)..]);
        var output = OperatorHarness.Transform(transform, [first, second]);
        var result = OperatorHarness.Elements(output);
        OperatorHarness.ReleaseAll(output);
        return result;
    }
}
