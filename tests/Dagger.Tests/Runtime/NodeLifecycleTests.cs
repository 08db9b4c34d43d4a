using Dagger.Orleans.Runtime;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Runtime;

/// <summary>Every transition of a node's lifecycle, without a cluster.</summary>
public sealed class NodeLifecycleTests
{
    private static NodeLifecycle Running()
    {
        var life = new NodeLifecycle();
        life.Start();
        return life;
    }

    [Fact]
    public void A_new_node_is_pending_and_starting_it_makes_it_run_and_pump()
    {
        var life = new NodeLifecycle();
        Assert.Equal(NodeState.Pending, life.State);
        Assert.False(life.KeepsPumping);

        life.Start();

        Assert.Equal(NodeState.Running, life.State);
        Assert.True(life.KeepsPumping);
    }

    [Fact]
    public void A_node_starts_once()
    {
        var life = Running();
        Assert.Throws<InvalidOperationException>(life.Start);
    }

    [Fact]
    public void A_stop_request_stops_the_pump_once_and_the_node_then_finishes()
    {
        var life = Running();

        Assert.True(life.RequestStop());
        Assert.False(life.RequestStop());
        Assert.False(life.KeepsPumping);
        life.Finish();

        Assert.Equal(NodeState.Finished, life.State);
    }

    [Fact]
    public void A_stop_by_a_user_ends_the_node_cancelled()
    {
        var life = Running();

        Assert.True(life.RequestStopByUser());
        life.Finish();

        Assert.Equal(NodeState.Cancelled, life.State);
    }

    [Fact]
    public void A_stop_request_to_a_node_that_is_not_running_is_ignored()
    {
        Assert.False(new NodeLifecycle().RequestStop());
        var ended = Running();
        ended.Finish();
        Assert.False(ended.RequestStop());
        Assert.Equal(NodeState.Finished, ended.State);
    }

    [Fact]
    public void Reaching_the_limit_stops_the_pump()
    {
        var life = Running();

        life.ReachLimit();

        Assert.False(life.KeepsPumping);
        Assert.True(life.LimitReached);
    }

    [Fact]
    public void A_restored_limit_is_kept_through_the_start()
    {
        var life = new NodeLifecycle();
        life.Restore(limitReached: true);
        life.Start();

        Assert.False(life.KeepsPumping);
        Assert.Throws<InvalidOperationException>(() => life.Restore(limitReached: false));
    }

    [Fact]
    public void A_pause_stops_the_pump_to_move_and_a_second_pause_is_refused()
    {
        var life = Running();

        life.BeginPause();

        Assert.False(life.KeepsPumping);
        Assert.True(life.StoppedToMove);
        var again = Assert.Throws<InvalidOperationException>(life.BeginPause);
        Assert.Contains("already moving", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_that_runs_out_while_pausing_is_not_an_end_but_an_end_of_stream_is()
    {
        var life = Running();
        life.BeginPause();

        life.EndInput();
        Assert.True(life.StoppedToMove);

        life.EndInputNow();
        Assert.False(life.StoppedToMove);
    }

    [Theory]
    [InlineData("stopping")]
    [InlineData("limit")]
    public void A_node_that_stops_or_reaches_its_limit_while_pausing_ends_instead_of_moving(string what)
    {
        var life = Running();
        life.BeginPause();

        if (what == "limit") life.ReachLimit();
        else Assert.True(life.RequestStop());

        Assert.False(life.StoppedToMove);
    }

    [Fact]
    public void A_stopping_node_cannot_move()
    {
        var life = Running();
        life.RequestStop();

        var refused = Assert.Throws<InvalidOperationException>(life.BeginPause);
        Assert.Contains("stopping", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pending_or_running_node_is_cancelled_forcefully_and_an_ended_one_keeps_its_state()
    {
        var pending = new NodeLifecycle();
        Assert.True(pending.CancelForcefully());
        Assert.Equal(NodeState.Cancelled, pending.State);

        var running = Running();
        Assert.True(running.CancelForcefully());
        Assert.Equal(NodeState.Cancelled, running.State);

        var finished = Running();
        finished.Finish();
        Assert.False(finished.CancelForcefully());
        Assert.Equal(NodeState.Finished, finished.State);
    }

    [Fact]
    public void A_failed_node_stays_failed_when_it_is_finished_or_cancelled_afterwards()
    {
        var life = Running();

        life.Fail();
        life.Finish();
        Assert.False(life.CancelForcefully());

        Assert.Equal(NodeState.Failed, life.State);
        Assert.False(life.KeepsPumping);
    }
}
