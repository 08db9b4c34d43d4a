using Dagger.Orleans.Runtime;
using Dagger.Orleans.Runtime.Timeline;
using Microsoft.Extensions.Options;
using Xunit;

namespace Dagger.Orleans.Tests.Runtime;

/// <summary>The per-node timeline recorder: time goes to the right activity and slot, and memory stays bounded however long a node runs.</summary>
public sealed class NodeTimelineTests
{
    /// <summary>A clock that moves only when told: 1 tick = 1 µs.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;
        private readonly DateTimeOffset _start = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

        public override long TimestampFrequency => 1_000_000;

        public override long GetTimestamp() => _ticks;

        public override DateTimeOffset GetUtcNow() => _start + TimeSpan.FromTicks(_ticks * 10);

        public void Advance(TimeSpan by) => _ticks += (long)(by.TotalMilliseconds * 1000);
    }

    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void Each_activity_gets_the_time_until_the_next_switch_in_the_slots_it_spans()
    {
        var clock = new ManualClock();
        var timeline = new NodeTimeline("a", "scale", "silo-1", clock: clock);

        clock.Advance(2 * Ms);                      // busy 0–2 ms
        timeline.Switch(PumpActivity.Waiting);
        clock.Advance(1.5 * Ms);                    // waiting 2–3.5 ms
        timeline.Switch(PumpActivity.Stalled);
        clock.Advance(0.5 * Ms);                    // stalled 3.5–4 ms
        timeline.End();
        var lane = timeline.Snapshot();

        Assert.Equal(0.001, lane.SlotSeconds, 9);
        Assert.Equal(4, lane.Busy.Length);
        Assert.Equal([0.001f, 0.001f, 0f, 0f], lane.Busy);
        Assert.Equal([0f, 0f, 0.001f, 0.0005f], lane.Waiting);
        Assert.Equal([0f, 0f, 0f, 0.0005f], lane.Stalled);
        Assert.Equal(lane.Start + 4 * Ms, lane.End);
    }

    [Fact]
    public void An_hour_of_switching_every_10_ms_keeps_at_most_MaxSlots_slots_and_every_second_of_it()
    {
        var clock = new ManualClock();
        var timeline = new NodeTimeline("src", "range", "silo-1", clock: clock);

        for (var i = 0; i < 360_000; i++)
        {
            clock.Advance(7 * Ms);
            timeline.Switch(PumpActivity.Stalled);
            clock.Advance(3 * Ms);
            timeline.Switch(PumpActivity.Busy);
        }
        var lane = timeline.Snapshot();

        Assert.True(lane.Busy.Length <= NodeTimeline.MaxSlots, $"{lane.Busy.Length} slots");
        Assert.True(lane.SlotSeconds * NodeTimeline.MaxSlots >= 3600, $"slots of {lane.SlotSeconds} s cannot cover an hour");
        Assert.Equal(2520, lane.Busy.Sum(), 0);
        Assert.Equal(1080, lane.Stalled.Sum(), 0);
        Assert.Equal(0, lane.Waiting.Sum());
        Assert.Null(lane.End);
    }

    [Fact]
    public void Batches_counted_between_switches_are_spread_over_the_time_they_were_counted_in()
    {
        var clock = new ManualClock();
        var timeline = new NodeTimeline("out", "count", "silo-1", clock: clock);

        for (var i = 0; i < 10; i++) timeline.CountBatch();
        clock.Advance(2 * Ms);
        timeline.Switch(PumpActivity.Waiting);
        clock.Advance(2 * Ms);
        timeline.End();
        var lane = timeline.Snapshot();

        Assert.Equal([5f, 5f, 0f, 0f], lane.Batches);
    }

    [Fact]
    public void Nothing_is_recorded_after_the_end()
    {
        var clock = new ManualClock();
        var timeline = new NodeTimeline("a", "scale", "silo-1", clock: clock);
        clock.Advance(Ms);
        timeline.End();
        clock.Advance(10 * Ms);
        timeline.Switch(PumpActivity.Waiting);

        var lane = timeline.Snapshot();

        Assert.Single(lane.Busy);
        Assert.Equal(0.001f, lane.Busy[0]);
        Assert.Equal(0f, lane.Waiting[0]);
    }

    [Fact]
    public void The_store_keeps_at_most_MaxRuns_runs_dropping_the_oldest()
    {
        var store = new TimelineStore(Options.Create(new DaggerOptions()));
        for (var i = 0; i <= TimelineStore.MaxRuns; i++) store.Open($"run{i}", "a", "scale", "silo-1");

        Assert.Empty(store.Lanes("run0"));
        Assert.Single(store.Lanes("run1"));
        Assert.Single(store.Lanes($"run{TimelineStore.MaxRuns}"));
    }

    [Fact]
    public void The_store_drops_a_run_whose_nodes_all_ended_longer_ago_than_results_are_kept()
    {
        var store = new TimelineStore(Options.Create(new DaggerOptions { ResultRetention = TimeSpan.Zero }));
        store.Open("old", "a", "scale", "silo-1").End();
        var running = store.Open("going", "a", "scale", "silo-1");

        store.Open("new", "a", "scale", "silo-1");

        Assert.Empty(store.Lanes("old"));
        Assert.Single(store.Lanes("going"));
        running.End();
    }
}
