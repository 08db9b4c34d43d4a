using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;
using Xunit;
using Xunit.Abstractions;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>
/// Steady-state allocations of the CPU paths, measured on this thread around the operator call (as
/// OperatorAllocationTests does for the core operators): per element (a vector of hundreds of samples) nothing but a
/// share of the one Batch object that carries each pooled output buffer.
/// </summary>
public sealed class SignalAllocationTests(ITestOutputHelper log)
{
    private const int Elements = 16;
    private const int Rounds = 100;

    /// <summary>One Batch object (about 80 bytes) per output batch of 16 elements, with room to spare: 8 bytes per element.</summary>
    private const double BudgetPerElement = 8;

    private static long AllocatedBy(Action round)
    {
        for (var i = 0; i < 30; i++) round();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++) round();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [InlineData("magnitude", "{}", ElementKind.Complex, 512)]
    [InlineData("fft", "{}", ElementKind.Complex, 512)]
    [InlineData("fir", """{"taps":"1,0;0.5,0.5;0.25,-0.25"}""", ElementKind.Complex, 512)]
    [InlineData("pulse_compress", """{"samples":64}""", ElementKind.Complex, 512)]
    [InlineData("doppler", """{"pulses":16}""", ElementKind.Complex, 512)]
    [InlineData("fm_demod", "{}", ElementKind.Complex, 512)]
    [InlineData("decimate", """{"factor":4}""", ElementKind.Complex, 512)]
    [InlineData("cfar", """{"guard":4,"reference":5,"mu":100}""", ElementKind.Vector, 512)]
    public void A_cpu_path_transform_allocates_only_its_output_batches(string op, string args, ElementKind kind, int width)
    {
        var transform = OperatorHarness.Create<TransformOperator>(op, args);
        var output = new OutputBuffer(1024);
        var input = Batch.Rent(kind, Elements, width);
        input.Count = Elements;
        var noise = SignalData.RandomComplex(Elements * width, seed: 1);
        noise.AsSpan(0, input.Float32s.Length).CopyTo(input.Float32s);

        var bytes = AllocatedBy(() =>
        {
            var pending = transform.TransformAsync(0, input, output, CancellationToken.None);
            Assert.True(pending.IsCompletedSuccessfully);
            output.Flush();
            while (output.HasReady) output.TakeReady().Release();
        });

        var perElement = (double)bytes / (Rounds * Elements);
        log.WriteLine($"{op}: {perElement:F2} bytes per element");
        Assert.True(perElement <= BudgetPerElement, $"{op} allocated {perElement:F2} bytes per element");
    }

    [Theory]
    [InlineData("chirp", """{"samples":512}""")]
    [InlineData("radar_scene", """{"samples":64,"gates":512,"pulses":16,"cpis":1000000,"targets":"10:1:1"}""")]
    [InlineData("fm_tone", """{"tone":0.01,"width":512}""")]
    public void A_signal_source_allocates_only_its_output_batches(string op, string args)
    {
        var source = OperatorHarness.Create<SourceOperator>(op, args, batchSize: Elements);
        var output = new OutputBuffer(Elements);

        var bytes = AllocatedBy(() =>
        {
            Assert.True(source.ProduceAsync(output, CancellationToken.None).Result);
            while (output.HasReady) output.TakeReady().Release();
        });

        var perElement = (double)bytes / (Rounds * Elements);
        log.WriteLine($"{op}: {perElement:F2} bytes per element");
        Assert.True(perElement <= BudgetPerElement, $"{op} allocated {perElement:F2} bytes per element");
    }

    [Fact]
    public void The_iq_file_source_reads_into_pooled_buffers_without_allocating_per_element()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dagger-alloc-{Guid.NewGuid():N}.cu8");
        File.WriteAllBytes(path, new byte[2 * 512 * Elements]);
        try
        {
            var source = OperatorHarness.Create<SourceOperator>("iq_file", $$"""{"path":{{JsonPath(path)}},"format":"cu8","width":512,"repeat":1000000}""", batchSize: Elements);
            var output = new OutputBuffer(Elements);

            var bytes = AllocatedBy(() =>
            {
                Assert.True(source.ProduceAsync(output, CancellationToken.None).Result);
                while (output.HasReady) output.TakeReady().Release();
            });

            var perElement = (double)bytes / (Rounds * Elements);
            log.WriteLine($"iq_file: {perElement:F2} bytes per element");
            Assert.True(perElement <= BudgetPerElement, $"iq_file allocated {perElement:F2} bytes per element");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string JsonPath(string path) => System.Text.Json.JsonSerializer.Serialize(path);
}
