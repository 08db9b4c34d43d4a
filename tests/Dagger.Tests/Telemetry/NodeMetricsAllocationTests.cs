using Dagger.Orleans.Runtime;
using Dagger.Orleans.Telemetry;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Dagger.Orleans.Tests.Telemetry;

/// <summary>The per-batch hooks of a node's metrics stay off the heap, also while an OpenTelemetry reader listens.</summary>
public sealed class NodeMetricsAllocationTests
{
    private const int Batches = 20_000;

    [Fact]
    public void A_transform_node_allocates_nothing_per_batch_with_every_instrument_listened_to()
    {
        using var readers = new TelemetryReaders();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new DaggerMetrics(services);
        var edge = new OutputEdge("next", 0, "memory");
        var plan = new NodePlan { DagId = "alloc-" + Guid.NewGuid().ToString("N")[..8], NodeId = "x", Op = "scale", InputCount = 1, Outputs = [edge] };
        var node = new NodeMetrics(metrics, plan, new NodeInbox(1, 8), received: 0, emitted: 0, nextSequence: 0);
        long received = 0, emitted = 0, sequence = 0;
        void OneBatch()
        {
            node.BeforeRead(received);
            node.AfterRead();
            received += 1024;
            emitted += 1024;
            sequence++;
            node.BeforeSend(emitted, sequence);
            var since = node.StallStarts();
            node.StallEnded(edge, since);
            node.BeforeSend(emitted, sequence);
            node.SentAtOnce(edge);
        }
        // Warm-up: the reader makes each series (a tag combination) once.
        for (var i = 0; i < 100; i++) OneBatch();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Batches; i++) OneBatch();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        node.Close(received, emitted);

        // One allocation a batch, of the smallest object, would be 480 KB: what is left over is one-off (the tiered JIT's
        // rejitting of these methods, measured at 600 bytes once).
        Assert.True(allocated < 4096, $"{allocated} bytes for {Batches} batches ({(double)allocated / Batches:F3} a batch)");
        // And the counts went where they belong.
        Assert.Equal(received, readers.Total(DaggerTelemetry.Instruments.ElementsIn, (DaggerTelemetry.Tags.Dag, plan.DagId)));
        Assert.Equal(Batches + 100, readers.Total(DaggerTelemetry.Instruments.Stalls, (DaggerTelemetry.Tags.Dag, plan.DagId)));
    }
}
