using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The fate of one node, as one state machine with every transition named: <see cref="Start"/> →
/// running → (stop asked · limit reached · input ended · pausing to move) → <see cref="Finish"/> (finished, or
/// cancelled when a user stopped it), <see cref="CancelForcefully"/> or <see cref="Fail"/>. Transport-free and
/// grain-free, so each transition is unit-tested on its own; the node grain drives it.
/// </summary>
internal sealed class NodeLifecycle
{
    /// <summary>What the node reports.</summary>
    public NodeState State { get; private set; } = NodeState.Pending;

    /// <summary>Asked to stop taking input (graceful cancel of a source, teardown, a user's stop): it ends its output.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>The stop came from a user (cancelling this node): it ends as Cancelled rather than Finished.</summary>
    public bool StoppedByUser { get; private set; }

    /// <summary>Pausing at a batch boundary to move to another silo.</summary>
    public bool Pausing { get; private set; }

    /// <summary>Its input ended (every port's end of stream, or a source said it is done).</summary>
    public bool InputEnded { get; private set; }

    /// <summary>It emitted its <c>max_evals</c>.</summary>
    public bool LimitReached { get; private set; }

    public bool IsRunning => State == NodeState.Running;

    /// <summary>Whether the pump takes (or produces) another batch.</summary>
    public bool KeepsPumping => IsRunning && !LimitReached && !StopRequested && !Pausing;

    /// <summary>The pump stopped to move, with more to do: the node leaves rather than ends.</summary>
    public bool StoppedToMove => IsRunning && Pausing && !InputEnded && !StopRequested && !LimitReached;

    /// <summary>Pending → running.</summary>
    public void Start()
    {
        if (State != NodeState.Pending) throw Illegal("start");
        State = NodeState.Running;
    }

    /// <summary>Before <see cref="Start"/>: what a snapshot (migration, checkpoint) says it had reached.</summary>
    public void Restore(bool limitReached)
    {
        if (State != NodeState.Pending) throw Illegal("restore");
        LimitReached = limitReached;
    }

    /// <summary>Running → stopping (teardown, a graceful cancel of a source). False when it is not running or already stopping.</summary>
    public bool RequestStop()
    {
        if (!IsRunning || StopRequested) return false;
        StopRequested = true;
        return true;
    }

    /// <summary>As <see cref="RequestStop"/>, from a user: the node then ends as Cancelled.</summary>
    public bool RequestStopByUser()
    {
        if (!RequestStop()) return false;
        StoppedByUser = true;
        return true;
    }

    /// <summary>The node emitted its last allowed element.</summary>
    public void ReachLimit() => LimitReached = true;

    /// <summary>Its input ended; a pump interrupted by a pause has not run out of input.</summary>
    public void EndInput()
    {
        if (!Pausing) InputEnded = true;
    }

    /// <summary>An end of input that a pause does not change (a lockstep node ends when any input ends; a source is done).</summary>
    public void EndInputNow() => InputEnded = true;

    /// <summary>Running → pausing to move. Only a running node that is not stopping can move.</summary>
    public void BeginPause()
    {
        if (!IsRunning || Pausing || StopRequested) throw Illegal(Pausing ? "move (it is already moving)" : "move");
        Pausing = true;
    }

    /// <summary>Running → finished, or cancelled when a user stopped it. A node that already ended keeps its state.</summary>
    public void Finish()
    {
        if (IsRunning) State = StoppedByUser ? NodeState.Cancelled : NodeState.Finished;
    }

    /// <summary>Pending or running → cancelled now. False when it had already ended.</summary>
    public bool CancelForcefully()
    {
        var wasLive = State is NodeState.Running or NodeState.Pending;
        if (wasLive) State = NodeState.Cancelled;
        return wasLive;
    }

    /// <summary>Any state → failed (its operator threw, or it was lost mid-stream).</summary>
    public void Fail() => State = NodeState.Failed;

    private InvalidOperationException Illegal(string what) => new($"a node that is {Describe()} cannot {what}");

    private string Describe() => State == NodeState.Running && Pausing ? "moving" : State == NodeState.Running && StopRequested ? "stopping" : State.ToString().ToLowerInvariant();
}
