using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Tasks.Dataflow;

namespace Dagger.Orleans.Benchmarks;

/// <summary>
/// The baseline: the same chain in TPL Dataflow, no Orleans. A producer fills float[batch] buffers taken from a
/// pool (returned by the sink, so steady state allocates no buffers), <c>hops</c> TransformBlocks each multiply
/// their buffer in place, an ActionBlock counts. Every block is bounded (capacity 8, the same window Dagger uses per
/// edge) and linked with PropagateCompletion.
/// </summary>
internal sealed class DataflowChain(bool scalarKernel = false) : IChainTarget
{
    public const int BoundedCapacity = 8;

    private readonly ConcurrentQueue<float[]> _pool = new();
    private int _poolBatch;
    private long _buffersAllocated;

    public string Name => Configs.Dataflow;

    public string Description => $"TPL Dataflow: producer -> TransformBlock x hops (in place, {(scalarKernel ? "scalar float loop" : "Vector<float> loop like Dagger's scale")}, bounded {BoundedCapacity}) -> ActionBlock";

    public IReadOnlyList<string> Notes => [$"buffers ever allocated by the producer's pool: {_buffersAllocated} (grows to what is in flight, then reused)"];

    private readonly record struct Chunk(float[] Data, int Count);

    public async Task<RunSample> RunAsync(long elements, int batch, int hops, double factor)
    {
        if (batch != _poolBatch)
        {
            _pool.Clear();
            _poolBatch = batch;
        }
        // Measured from building the blocks on, as Dagger's runs are measured from submission on.
        var start = CounterSnapshot.Take();
        var f32 = (float)factor;
        var vectorised = scalarKernel is false;
        var bounded = new ExecutionDataflowBlockOptions { BoundedCapacity = BoundedCapacity };
        var link = new DataflowLinkOptions { PropagateCompletion = true };
        long counted = 0;
        var sink = new ActionBlock<Chunk>(c =>
        {
            counted += c.Count;
            _pool.Enqueue(c.Data);
        }, bounded);
        ITargetBlock<Chunk> head = sink;
        for (var h = 0; h < hops; h++)
        {
            var stage = new TransformBlock<Chunk, Chunk>(c =>
            {
                if (vectorised) MultiplyVectorised(c.Data.AsSpan(0, c.Count), f32);
                else MultiplyScalar(c.Data.AsSpan(0, c.Count), f32);
                return c;
            }, bounded);
            stage.LinkTo(head, link);
            head = stage;
        }

        long produced = 0;
        while (produced < elements)
        {
            var n = (int)Math.Min(batch, elements - produced);
            if (!_pool.TryDequeue(out var data))
            {
                data = new float[batch];
                _buffersAllocated++;
            }
            for (var i = 0; i < n; i++) data[i] = produced + i;
            produced += n;
            if (!await head.SendAsync(new Chunk(data, n))) throw new BenchmarkFailedException("the Dataflow chain refused a batch");
        }
        head.Complete();
        await sink.Completion;
        var end = Stopwatch.GetTimestamp();
        var sample = CounterSnapshot.Since(start, end, elements, dagSeconds: null);
        if (counted != elements) throw new BenchmarkFailedException($"Dataflow sink counted {counted}, expected {elements}");
        return sample;
    }

    /// <summary>The same SIMD loop Dagger's <c>scale</c> runs for a float32-exact factor, so the ratio compares runtimes, not kernels.</summary>
    public static void MultiplyVectorised(Span<float> values, float factor)
    {
        var f = new System.Numerics.Vector<float>(factor);
        var i = 0;
        for (; i <= values.Length - System.Numerics.Vector<float>.Count; i += System.Numerics.Vector<float>.Count)
            (new System.Numerics.Vector<float>(values[i..]) * f).CopyTo(values[i..]);
        for (; i < values.Length; i++) values[i] *= factor;
    }

    public static void MultiplyScalar(Span<float> values, float factor)
    {
        for (var i = 0; i < values.Length; i++) values[i] *= factor;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
