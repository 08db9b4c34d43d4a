using System.Diagnostics;
using System.Globalization;
using Dagger.Orleans.Bench.Measuring;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Bench.Chain;

/// <summary>
/// The chain as a Dagger DAG: <c>range</c> (float32) → <c>scale</c> × hops → <c>count</c>, every edge on one transport,
/// one submission per run. Timed from before <see cref="DaggerClient.SubmitAsync"/> to the terminal status, as a user sees it.
/// </summary>
public static class DaggerChain
{
    public static DagSpec Spec(long elements, int batch, int hops, string transport)
    {
        var b = new DagBuilder($"bench-chain-{hops}x-scale").Defaults(transport: transport, batch: batch)
            .Node("src", "range", new { count = elements, type = "float32" });
        var previous = "src";
        for (var h = 1; h <= hops; h++)
        {
            var id = $"scale{h}";
            b.Node(id, "scale", new { factor = (double)ScaleKernel.Factor }).Edge(previous, id);
            previous = id;
        }
        return b.Node("sink", "count").Edge(previous, "sink").Build();
    }

    /// <summary>Runs the chain once; returns elements per second; throws if the DAG failed or the count is wrong.</summary>
    public static async Task<double> RunAsync(DaggerClient client, long elements, int batch, int hops, string transport, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var run = await client.SubmitAsync(Spec(elements, batch, hops, transport));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        var status = await run.WaitAsync(TimeSpan.FromSeconds(5), timeout.Token);
        var seconds = clock.Elapsed.TotalSeconds;
        if (status.State != DagState.Completed) throw new BenchmarkFailedException($"Dagger chain on {transport} edges: DAG {run.Id} ended {status.State}: {status.Error}");
        if (!status.Results.TryGetValue("sink", out var counted) || counted != elements.ToString(CultureInfo.InvariantCulture))
            throw new BenchmarkFailedException($"Dagger chain on {transport} edges: the sink counted {counted ?? "nothing"}, expected {elements}");
        return elements / seconds;
    }
}
