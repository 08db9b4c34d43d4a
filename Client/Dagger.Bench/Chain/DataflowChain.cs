using System.Diagnostics;
using System.Threading.Tasks.Dataflow;
using Dagger.Orleans.Bench.Measuring;

namespace Dagger.Orleans.Bench.Chain;

/// <summary>
/// The TPL Dataflow baseline: a producer fills pooled float[batch] buffers, <c>hops</c> TransformBlocks each multiply
/// their buffer in place, an ActionBlock counts and returns the buffer. Every block is bounded (capacity 8, the window
/// Dagger keeps per edge) and linked with PropagateCompletion.
/// </summary>
public sealed class DataflowChain
{
    public const int BoundedCapacity = 8;

    private readonly BufferPool _pool = new();

    public const string Description = "TPL Dataflow: producer → TransformBlock × hops (in place, Vector<float> multiply, bounded 8) → ActionBlock, pooled float[] batches";

    /// <summary>Runs the chain over <paramref name="elements"/> float32 elements; returns elements per second (building the blocks included, as Dagger's runs include submission).</summary>
    public async Task<double> RunAsync(long elements, int batch, int hops, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var bounded = new ExecutionDataflowBlockOptions { BoundedCapacity = BoundedCapacity, CancellationToken = cancellationToken };
        var link = new DataflowLinkOptions { PropagateCompletion = true };
        long counted = 0;
        var sink = new ActionBlock<Chunk>(c =>
        {
            counted += c.Count;
            _pool.Return(c.Data);
        }, bounded);
        ITargetBlock<Chunk> head = sink;
        for (var h = 0; h < hops; h++)
        {
            var stage = new TransformBlock<Chunk, Chunk>(c =>
            {
                ScaleKernel.Multiply(c.Data.AsSpan(0, c.Count), ScaleKernel.Factor);
                return c;
            }, bounded);
            stage.LinkTo(head, link);
            head = stage;
        }
        long produced = 0;
        while (produced < elements)
        {
            var n = (int)Math.Min(batch, elements - produced);
            var data = _pool.Rent(batch);
            for (var i = 0; i < n; i++) data[i] = produced + i;
            produced += n;
            if (!await head.SendAsync(new Chunk(data, n), cancellationToken)) throw new BenchmarkFailedException("the Dataflow chain refused a batch");
        }
        head.Complete();
        await sink.Completion;
        var seconds = clock.Elapsed.TotalSeconds;
        if (counted != elements) throw new BenchmarkFailedException($"the Dataflow sink counted {counted} elements, expected {elements}");
        return elements / seconds;
    }
}
