using Dagger.Orleans.Runtime;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Runtime;

/// <summary>The stall rule on a fake clock: pending input and no progress for StallAfter is a stall; anything else is not.</summary>
public sealed class StallDetectorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(60);

    private static readonly DagSpec Chain = new DagBuilder()
        .Node("src", "range").Node("mid", "scale", new { factor = 2 }).Node("out", "count")
        .Edge("src", "mid").Edge("mid", "out").Build();

    private static Dictionary<string, NodeStatus> Counters(long srcEmitted, long midReceived, long midEmitted = 0, long outReceived = 0) => new()
    {
        ["src"] = new NodeStatus { NodeId = "src", State = NodeState.Running, Emitted = srcEmitted },
        ["mid"] = new NodeStatus { NodeId = "mid", State = NodeState.Running, Received = midReceived, Emitted = midEmitted },
        ["out"] = new NodeStatus { NodeId = "out", State = NodeState.Running, Received = outReceived },
    };

    [Fact]
    public void A_node_with_input_waiting_and_no_progress_for_stall_after_is_stalled_naming_node_batch_edge_and_since()
    {
        var detector = new StallDetector(Chain, StallAfter);

        Assert.Null(detector.Observe(Counters(5000, 2048), T0));
        Assert.Null(detector.Observe(Counters(5000, 2048), T0 + TimeSpan.FromSeconds(59)));
        var stall = detector.Observe(Counters(5000, 2048), T0 + StallAfter);

        Assert.Equal("stalled: node mid waiting for batch 2 on edge src -> mid since 2026-12-04T09:00:00Z", stall);
        Assert.Equal("mid", detector.StalledNode);
    }

    [Fact]
    public void Progress_clears_a_stall_and_restarts_the_clock()
    {
        var detector = new StallDetector(Chain, StallAfter);
        detector.Observe(Counters(5000, 2048), T0);
        Assert.NotNull(detector.Observe(Counters(5000, 2048), T0 + StallAfter));

        Assert.Null(detector.Observe(Counters(5000, 3072), T0 + StallAfter + TimeSpan.FromSeconds(1)));
        Assert.Null(detector.Observe(Counters(5000, 3072), T0 + StallAfter + TimeSpan.FromSeconds(60)));
        Assert.Null(detector.StalledNode);
    }

    [Fact]
    public void A_node_that_has_received_everything_its_producers_emitted_is_idle_not_stalled()
    {
        var detector = new StallDetector(Chain, StallAfter);
        detector.Observe(Counters(5000, 5000, 5000, 5000), T0);

        Assert.Null(detector.Observe(Counters(5000, 5000, 5000, 5000), T0 + TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_node_with_several_inputs_is_pending_while_their_sum_exceeds_what_it_received()
    {
        var spec = new DagBuilder().Node("a", "range").Node("b", "range").Node("m", "merge").Node("out", "count")
            .Edge("a", "m").Edge("b", "m", port: 1).Edge("m", "out").Build();
        var detector = new StallDetector(spec, StallAfter);
        Dictionary<string, NodeStatus> Counters(long received) => new()
        {
            ["a"] = new NodeStatus { NodeId = "a", State = NodeState.Finished, Emitted = 100 },
            ["b"] = new NodeStatus { NodeId = "b", State = NodeState.Running, Emitted = 3000 },
            ["m"] = new NodeStatus { NodeId = "m", State = NodeState.Running, Received = received },
            ["out"] = new NodeStatus { NodeId = "out", State = NodeState.Running, Received = received },
        };

        detector.Observe(Counters(1124), T0);
        var stall = detector.Observe(Counters(1124), T0 + StallAfter);

        Assert.Equal("stalled: node m waiting for batch 1 on edge b -> m (port 1) since 2026-12-04T09:00:00Z", stall);
    }

    [Fact]
    public void Sources_and_ended_nodes_are_never_stalled()
    {
        var detector = new StallDetector(Chain, StallAfter);
        var ended = new Dictionary<string, NodeStatus>
        {
            ["src"] = new NodeStatus { NodeId = "src", State = NodeState.Running, Emitted = 10 },
            ["mid"] = new NodeStatus { NodeId = "mid", State = NodeState.Failed, Received = 0 },
            ["out"] = new NodeStatus { NodeId = "out", State = NodeState.Cancelled, Received = 0 },
        };

        detector.Observe(ended, T0);

        Assert.Null(detector.Observe(ended, T0 + TimeSpan.FromHours(1)));
    }
}
