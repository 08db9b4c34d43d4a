using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Telemetry;
using Dagger.Orleans.Tests.Cluster;
using Dagger.Orleans.Wire;
using Orleans.TestingHost;
using Xunit;
using I = Dagger.Orleans.Telemetry.DaggerTelemetry.Instruments;
using T = Dagger.Orleans.Telemetry.DaggerTelemetry.Tags;

namespace Dagger.Orleans.Tests.Telemetry;

/// <summary>A 2-silo cluster with OpenTelemetry's in-memory exporters listening to the runtime's meter and spans.</summary>
public sealed class TelemetryCluster : IAsyncLifetime
{
    public TelemetryReaders Readers { get; } = new();
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public DaggerClient Dagger { get; private set; } = null!;

    public async Task InitializeAsync() => (Cluster, Dagger) = await TwoSiloCluster.DeployAsync();

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Readers.Dispose();
    }
}

/// <summary>The <c>Dagger.Orleans</c> meter and activity source, read the way an OpenTelemetry exporter reads them.</summary>
public sealed class RuntimeMetricsTests(TelemetryCluster fixture) : IClassFixture<TelemetryCluster>
{
    private readonly TelemetryReaders _readers = fixture.Readers;

    private async Task<(string Id, DagStatus Status)> RunAsync(DagSpec spec)
    {
        var run = await fixture.Dagger.SubmitAsync(spec);
        await using var cleanup = run.CancelOnExit();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return (run.Id, await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token));
    }

    [Fact]
    public async Task A_run_reports_elements_in_and_out_batches_operator_time_and_edge_waits_for_each_node()
    {
        // 1000 elements in batches of 100: ten batches through each of the diamond's nodes.
        var (id, status) = await RunAsync(new DagBuilder("metrics-diamond").Defaults(batch: 100)
            .Node("src", "range", new { count = 1000 }).Node("a", "scale", new { factor = 2 }).Node("b", "offset", new { value = 1 })
            .Node("join", "add").Node("out", "count")
            .Edge("src", "a").Edge("src", "b").Edge("a", "join", 0).Edge("b", "join", 1).Edge("join", "out").Build());
        Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}");

        Assert.Equal(1000, _readers.Total(I.ElementsOut, (T.Dag, id), (T.Node, "src"), (T.Operator, "range")));
        Assert.Equal(0, _readers.Total(I.ElementsIn, (T.Dag, id), (T.Node, "src")));
        Assert.Equal(1000, _readers.Total(I.ElementsIn, (T.Dag, id), (T.Node, "a")));
        Assert.Equal(1000, _readers.Total(I.ElementsOut, (T.Dag, id), (T.Node, "a")));
        Assert.Equal(2000, _readers.Total(I.ElementsIn, (T.Dag, id), (T.Node, "join")));
        Assert.Equal(1000, _readers.Total(I.ElementsIn, (T.Dag, id), (T.Node, "out")));
        Assert.Equal(10, _readers.Total(I.Batches, (T.Dag, id), (T.Node, "src")));
        Assert.Equal(10, _readers.Total(I.Batches, (T.Dag, id), (T.Node, "a")));
        Assert.Equal(20, _readers.Total(I.Batches, (T.Dag, id), (T.Node, "join")));
        // Operator time: one histogram point per batch handled.
        Assert.Equal(10, _readers.Total(I.BatchDuration, (T.Dag, id), (T.Node, "b")));
        Assert.Equal(10, _readers.Total(I.BatchDuration, (T.Dag, id), (T.Node, "out")));
        // Every batch waits (or not) once on each edge it takes: src has two.
        Assert.Equal(10, _readers.Total(I.EdgeSendDuration, (T.Dag, id), (T.Node, "src"), (T.EdgeTo, "a"), (T.EdgePort, 0), (T.Transport, "memory")));
        Assert.Equal(10, _readers.Total(I.EdgeSendDuration, (T.Dag, id), (T.Node, "src"), (T.EdgeTo, "b")));
        Assert.Equal(10, _readers.Total(I.EdgeSendDuration, (T.Dag, id), (T.Node, "b"), (T.EdgeTo, "join"), (T.EdgePort, 1)));
    }

    [Fact]
    public async Task Runs_are_counted_as_they_start_and_by_how_they_end()
    {
        var name = "runs-" + Guid.NewGuid().ToString("N")[..8];
        var completed = await RunAsync(new DagBuilder(name).Node("src", "range", new { count = 10 }).Node("out", "count").Edge("src", "out").Build());
        var failed = await RunAsync(new DagBuilder(name).Node("src", "range", new { count = 1000 }).Node("bad", "explode", new { at = 5 }).Node("out", "count")
            .Edge("src", "bad").Edge("bad", "out").Build());
        var endless = await fixture.Dagger.SubmitAsync(new DagBuilder(name).Node("src", "range").Node("out", "count").Edge("src", "out").Build());
        await endless.CancelAsync(CancelMode.Force);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var cancelled = await endless.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);

        Assert.Equal(DagState.Completed, completed.Status.State);
        Assert.Equal(DagState.Failed, failed.Status.State);
        Assert.Equal(DagState.Cancelled, cancelled.State);
        Assert.Equal(3, _readers.Total(I.RunsStarted, (T.DagName, name)));
        Assert.Equal(1, _readers.Total(I.RunsEnded, (T.DagName, name), (T.Status, "Completed")));
        Assert.Equal(1, _readers.Total(I.RunsEnded, (T.DagName, name), (T.Status, "Failed")));
        Assert.Equal(1, _readers.Total(I.RunsEnded, (T.DagName, name), (T.Status, "Cancelled")));
    }

    [Fact]
    public async Task A_slow_consumer_shows_as_inbox_depth_and_as_stalls_of_its_producer()
    {
        // An endless source into a node that sleeps 20 ms an element: its inbox fills, and its producer waits for room.
        var run = await fixture.Dagger.SubmitAsync(new DagBuilder("slow").Defaults(batch: 4)
            .Node("src", "range").Node("slow", "sleep", new { ms = 20 }).Node("out", "count").Edge("src", "slow").Edge("slow", "out").Build());
        await using var cleanup = run.CancelOnExit();
        long depth = 0, stalls = 0;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && (depth == 0 || stalls == 0);)
        {
            depth = Math.Max(depth, _readers.Total(I.InboxDepth, (T.Dag, run.Id), (T.Node, "slow")));
            stalls = _readers.Total(I.Stalls, (T.Dag, run.Id), (T.Node, "src"));
            await Task.Delay(50);
        }
        await run.CancelAsync(CancelMode.Force);

        Assert.True(depth > 0, "the slow node's inbox never showed a waiting batch");
        Assert.True(stalls > 0, "the source never waited for room on its edge");
    }

    [Fact]
    public async Task Submit_start_migrate_and_cancel_each_leave_a_span_tagged_with_the_run()
    {
        var run = await fixture.Dagger.SubmitAsync(new DagBuilder("spans").Node("src", "range").Node("out", "count").Edge("src", "out").Build());
        await using var cleanup = run.CancelOnExit();
        await run.WaitUntilAsync(s => s.Nodes.Single(n => n.NodeId == "out").Received > 0);
        await run.MigrateAsync("out");
        await run.CancelAsync(CancelMode.Force);

        var spans = _readers.Spans().Where(s => Equals(s.GetTagItem(T.Dag), run.Id)).ToArray();
        var submit = Assert.Single(spans, s => s.OperationName == DaggerTelemetry.Spans.Submit);
        var start = Assert.Single(spans, s => s.OperationName == DaggerTelemetry.Spans.Start);
        var migrate = Assert.Single(spans, s => s.OperationName == DaggerTelemetry.Spans.Migrate);
        var cancel = Assert.Single(spans, s => s.OperationName == DaggerTelemetry.Spans.Cancel);
        // Starting the nodes is part of the submission.
        Assert.Equal(submit.SpanId, start.ParentSpanId);
        Assert.Equal("spans", submit.GetTagItem(T.DagName));
        Assert.Equal("out", migrate.GetTagItem(T.Node));
        Assert.NotNull(migrate.GetTagItem(T.TargetSilo));
        Assert.Equal("force", cancel.GetTagItem(T.Mode));
    }
}
