using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>Runs one operator the way a node does (batches in, batches out), without a cluster.</summary>
internal static class OperatorHarness
{
    public static readonly OperatorCatalog Catalog = new([typeof(OperatorCatalog).Assembly]);

    public static T Create<T>(string op, string argsJson, string device = "cpu", int batchSize = 1024) where T : DaggerOperator
    {
        var instance = (T)Catalog.Create(op, argsJson);
        instance.NodeId = op;
        instance.BatchSize = batchSize;
        instance.Device = device;
        return instance;
    }

    /// <summary>Every batch a source emits until it is exhausted (bounded).</summary>
    public static List<Batch> Drain(SourceOperator source, int maxCalls = 10_000)
    {
        var output = new OutputBuffer(source.BatchSize);
        var batches = new List<Batch>();
        for (var call = 0; call < maxCalls; call++)
        {
            var more = source.ProduceAsync(output, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (!more) output.Flush();
            while (output.HasReady) batches.Add(output.TakeReady());
            if (!more) return batches;
        }
        throw new InvalidOperationException($"source did not end within {maxCalls} calls");
    }

    /// <summary>Feeds <paramref name="inputs"/> through a transform and returns what came out (flushed at the end).</summary>
    public static List<Batch> Transform(TransformOperator transform, IEnumerable<Batch> inputs)
    {
        var output = new OutputBuffer(transform.BatchSize);
        var batches = new List<Batch>();
        foreach (var input in inputs)
        {
            transform.TransformAsync(0, input, output, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            while (output.HasReady) batches.Add(output.TakeReady());
        }
        output.Flush();
        while (output.HasReady) batches.Add(output.TakeReady());
        return batches;
    }

    /// <summary>A complex batch of the given vectors (interleaved re, im floats, all of one width).</summary>
    public static Batch ComplexBatch(params float[][] vectors)
    {
        var width = vectors[0].Length / 2;
        var batch = Batch.Rent(ElementKind.Complex, vectors.Length, width);
        batch.Count = vectors.Length;
        for (var i = 0; i < vectors.Length; i++) vectors[i].CopyTo(batch.ComplexVector(i));
        return batch;
    }

    /// <summary>A real-vector batch of the given vectors (all of one width).</summary>
    public static Batch VectorBatch(params float[][] vectors)
    {
        var batch = Batch.Rent(ElementKind.Vector, vectors.Length, vectors[0].Length);
        batch.Count = vectors.Length;
        for (var i = 0; i < vectors.Length; i++) vectors[i].CopyTo(batch.Vector(i));
        return batch;
    }

    /// <summary>Every element of the batches as float arrays (complex: interleaved re, im).</summary>
    public static List<float[]> Elements(IEnumerable<Batch> batches)
    {
        var all = new List<float[]>();
        foreach (var b in batches)
        {
            for (var i = 0; i < b.Count; i++) all.Add(b.Kind == ElementKind.Complex ? b.ComplexVector(i).ToArray() : b.Vector(i).ToArray());
        }
        return all;
    }

    public static void ReleaseAll(IEnumerable<Batch> batches)
    {
        foreach (var b in batches) b.Release();
    }
}
