using System.Diagnostics;
using System.Globalization;
using Dagger.Orleans.Client;
using Dagger.Orleans.Hosting;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace Dagger.Orleans.Benchmarks;

/// <summary>
/// The chain as a Dagger DAG: <c>range</c> (float32) -> <c>scale</c> x hops -> <c>count</c>, memory edges, one
/// submission per run. Wall time runs from before <see cref="DaggerClient.SubmitAsync"/> to the return of
/// <see cref="DagRun.WaitAsync"/> with the terminal status; the product's own time is <see cref="DagStatus.Seconds"/>.
/// </summary>
internal sealed class DaggerChain : IChainTarget
{
    private readonly DaggerClient _client;
    private readonly Func<ValueTask> _dispose;
    private readonly List<string> _notes = [];

    private DaggerChain(string name, string description, DaggerClient client, Func<ValueTask> dispose)
    {
        Name = name;
        Description = description;
        _client = client;
        _dispose = dispose;
    }

    public string Name { get; }

    public string Description { get; }

    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Dagger's embedded mode: one in-process silo, its own grain factory as the client.</summary>
    public static async Task<DaggerChain> StartEmbeddedAsync()
    {
        var client = await DaggerClient.StartEmbeddedAsync(logLevel: LogLevel.Warning);
        return new DaggerChain(Configs.Embedded, "Dagger embedded: DaggerClient.StartEmbeddedAsync (1 silo, in process)", client, client.DisposeAsync);
    }

    /// <summary>Two silos and a client in this process (Orleans' InProcessTestCluster), as the cluster tests build it.</summary>
    public static async Task<DaggerChain> StartTwoSilosAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureHost(host => host.Logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureSilo((_, silo) => silo.AddDagger());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var client = DaggerClient.ForGrainFactory(cluster.Client, OperatorCatalog.FromLoadedAssemblies(), [Transports.Memory]);
        return new DaggerChain(Configs.TwoSilo, "Dagger on 2 silos: InProcessTestCluster(2) + client, nodes dealt round-robin over silos", client,
            cluster.DisposeAsync);
    }

    public static DagSpec Spec(long elements, int batch, int hops, double factor)
    {
        var b = new DagBuilder($"bench-chain-{hops}x-scale").Defaults(transport: Transports.Memory, batch: batch)
            .Node("src", "range", new { count = elements, type = "float32" });
        var previous = "src";
        for (var h = 1; h <= hops; h++)
        {
            var id = $"scale{h}";
            b.Node(id, "scale", new { factor }).Edge(previous, id);
            previous = id;
        }
        return b.Node("sink", "count").Edge(previous, "sink").Build();
    }

    public async Task<RunSample> RunAsync(long elements, int batch, int hops, double factor)
    {
        var spec = Spec(elements, batch, hops, factor);
        var start = CounterSnapshot.Take();
        var run = await _client.SubmitAsync(spec);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var status = await run.WaitAsync(TimeSpan.FromSeconds(5), timeout.Token);
        var end = Stopwatch.GetTimestamp();
        var sample = CounterSnapshot.Since(start, end, elements, status.Seconds);

        if (status.State != DagState.Completed) throw new BenchmarkFailedException($"{Name}: DAG {run.Id} ended {status.State}: {status.Error}");
        if (!status.Results.TryGetValue("sink", out var result) || result != elements.ToString(CultureInfo.InvariantCulture))
            throw new BenchmarkFailedException($"{Name}: sink counted {result ?? "nothing"}, expected {elements}");
        var source = status.Nodes.Single(n => n.NodeId == "src");
        if (source.Emitted != elements) throw new BenchmarkFailedException($"{Name}: source emitted {source.Emitted}, expected {elements}");

        _notes.Clear();
        var silos = status.Nodes.ToDictionary(n => n.NodeId, n => n.Silo ?? "?");
        var order = new[] { "src" }.Concat(Enumerable.Range(1, hops).Select(h => $"scale{h}")).Append("sink").ToArray();
        var crossing = order.Zip(order.Skip(1)).Count(p => silos[p.First] != silos[p.Second]);
        _notes.Add($"{silos.Values.Distinct().Count()} silo(s) hosted the nodes; {crossing} of {order.Length - 1} edges cross silos");
        return sample;
    }

    public ValueTask DisposeAsync() => _dispose();
}
