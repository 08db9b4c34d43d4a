using BenchmarkDotNet.Attributes;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Benchmarks;

/// <summary>
/// What a pooled batch costs next to a fresh array: the runtime rents one batch per hop, so this is its per-batch
/// floor. <c>dotnet run -c Release --project tests/Dagger.Benchmarks -- --filter '*BatchPool*'</c>.
/// </summary>
[MemoryDiagnoser]
public class BatchPoolBenchmarks
{
    [Params(64, 1024, 65536)]
    public int Elements { get; set; }

    [Benchmark(Baseline = true, Description = "new float[n]")]
    public float[] NewArray() => new float[Elements];

    [Benchmark(Description = "Batch.Rent + Release (float32)")]
    public int RentAndRelease()
    {
        var batch = Batch.Rent(ElementKind.Float32, Elements);
        var capacity = batch.Data!.Length;
        batch.Release();
        return capacity;
    }
}
