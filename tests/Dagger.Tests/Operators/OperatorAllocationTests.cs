using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Operators;

/// <summary>
/// Steady-state allocation budgets of the core operators, measured on this thread around the operator call alone
/// (bytes allocated are deterministic, unlike time). Transforms and sinks allocate nothing per element; a source
/// allocates only the batch object that carries each pooled buffer.
/// </summary>
public sealed class OperatorAllocationTests
{
    private const int BatchSize = 1024;
    private const int Rounds = 200;
    private static readonly OperatorCatalog Catalog = new([typeof(OperatorCatalog).Assembly]);

    private static Batch Float32Batch()
    {
        var batch = Batch.Rent(ElementKind.Float32, BatchSize);
        batch.Count = BatchSize;
        batch.Float32s.Fill(1.5f);
        return batch;
    }

    private static long AllocatedBy(Action round)
    {
        for (var i = 0; i < 50; i++) round(); // warm up: JIT tiers, pools, queue growth
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++) round();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [InlineData("scale", """{"factor":1.5}""")]
    [InlineData("scale", """{"factor":1.0001}""")]
    [InlineData("offset", """{"value":2}""")]
    [InlineData("merge", "{}")]
    public void A_transform_allocates_nothing_per_batch_in_steady_state(string op, string args)
    {
        var transform = (TransformOperator)Catalog.Create(op, args);
        var output = new OutputBuffer(BatchSize);
        var batch = Float32Batch();

        var bytes = AllocatedBy(() =>
        {
            var pending = transform.TransformAsync(0, batch, output, CancellationToken.None);
            Assert.True(pending.IsCompletedSuccessfully);
            var forwarded = output.TakeReady();
            forwarded.Release(); // the node's release of the output it sent on
        });

        Assert.Equal(0, bytes);
    }

    [Theory]
    [InlineData("sum")]
    [InlineData("count")]
    public void A_reducing_sink_allocates_nothing_per_batch(string op)
    {
        var sink = (SinkOperator)Catalog.Create(op, "{}");
        var batch = Float32Batch();

        Assert.Equal(0, AllocatedBy(() => sink.Consume(batch)));
    }

    [Theory]
    [InlineData("int64")]
    [InlineData("float64")]
    [InlineData("float32")]
    public void A_range_source_allocates_under_a_tenth_of_a_byte_per_element(string type)
    {
        var source = (SourceOperator)Catalog.Create("range", $$"""{"type":"{{type}}"}""");
        source.BatchSize = BatchSize;
        var output = new OutputBuffer(BatchSize);

        var bytes = AllocatedBy(() =>
        {
            var more = source.ProduceAsync(output, CancellationToken.None);
            Assert.True(more.Result);
            output.TakeReady().Release();
        });

        var perElement = (double)bytes / (Rounds * BatchSize);
        Assert.True(perElement < 0.1, $"range ({type}) allocated {perElement:F3} bytes per element");
    }
}
