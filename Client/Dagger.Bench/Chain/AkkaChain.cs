using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using Dagger.Orleans.Bench.Measuring;

namespace Dagger.Orleans.Bench.Chain;

/// <summary>
/// The Akka.Streams baseline: Source of pooled float[] batches → <c>hops</c> Select stages multiplying in place → a
/// counting Sink. Each stage gets an async boundary (its own actor), so stages run concurrently as Dagger's nodes
/// and Dataflow's blocks do; without it Akka fuses the whole chain into one actor.
/// </summary>
public sealed class AkkaChain : IAsyncDisposable
{
    public const string Description = "Akka.Streams: Source → Select × hops (in place, Vector<float> multiply, .Async() boundary each) → Sink.Aggregate, pooled float[] batches";

    private readonly ActorSystem _system = ActorSystem.Create("dagger-bench", ConfigurationFactory.ParseString(
        "akka.loglevel = ERROR\nakka.stdout-loglevel = ERROR\nakka.log-dead-letters = off"));
    private readonly BufferPool _pool = new();

    public async Task<double> RunAsync(long elements, int batch, int hops, CancellationToken cancellationToken)
    {
        using var materializer = _system.Materializer();
        var clock = Stopwatch.StartNew();
        var batches = (elements + batch - 1) / batch;
        var source = Source.From(Batches(elements, batch, batches));
        for (var h = 0; h < hops; h++)
        {
            source = source.Select(c =>
            {
                ScaleKernel.Multiply(c.Data.AsSpan(0, c.Count), ScaleKernel.Factor);
                return c;
            }).Async();
        }
        var counted = await source.RunAggregate(0L, (sum, c) =>
        {
            _pool.Return(c.Data);
            return sum + c.Count;
        }, materializer).WaitAsync(cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        if (counted != elements) throw new BenchmarkFailedException($"the Akka.Streams sink counted {counted} elements, expected {elements}");
        return elements / seconds;
    }

    private IEnumerable<Chunk> Batches(long elements, int batch, long batches)
    {
        long produced = 0;
        for (long b = 0; b < batches; b++)
        {
            var n = (int)Math.Min(batch, elements - produced);
            var data = _pool.Rent(batch);
            for (var i = 0; i < n; i++) data[i] = produced + i;
            produced += n;
            yield return new Chunk(data, n);
        }
    }

    public async ValueTask DisposeAsync() => await _system.Terminate();
}
