using Dagger.Orleans.Runtime.Resilience;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>How the last call of a group to a consumer on another silo ended (<see cref="PushProgress"/>).</summary>
internal enum PushAnswer
{
    /// <summary>Every batch is taken, or the consumer needs nothing more: nothing is pushed again.</summary>
    Delivered,

    /// <summary>The consumer is not running and was handed its end of stream: it took everything it will ever need.</summary>
    ConsumerFinished,

    /// <summary>No answer (timed out): what the call carried goes again at once.</summary>
    Lost,

    /// <summary>The consumer's inbox had no room within its wait: progress in waiting, pushed again at once.</summary>
    Busy,

    /// <summary>The consumer refused (moving, or not running): pushed again after a short pause.</summary>
    Refused,
}

/// <summary>
/// Where one group of batches to a consumer on another silo stands, answer after answer, and whether and when its
/// rest is pushed again: the <see cref="ResiliencePipelines.RemotePushName"/> schedule reads it. A lost call goes again
/// at once, up to <see cref="MaxLostInARow"/> in a row; a busy consumer is asked again at once, for as long as it stays
/// busy (a slow consumer is no fault); a refusal is asked again after 1 ms, 2 ms, … up to 20 ms (counted since the
/// last busy answer), until refusals have lasted <see cref="RefusalLimit"/>.
/// </summary>
internal sealed class PushProgress(Batch[] group)
{
    /// <summary>Lost calls in a row after which the consumer counts as unreachable and the run fails.</summary>
    public const int MaxLostInARow = 5;

    /// <summary>How long refusals may last (since the first answer, or the last busy one) before the run fails.</summary>
    public static readonly TimeSpan RefusalLimit = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan LongestRefusalPause = TimeSpan.FromMilliseconds(20);
    private bool _anyLost;
    private int _answers;
    private int _answersAtBusy;
    private long _refusingSince;

    /// <summary>How many batches of the group, from its start, the consumer has taken.</summary>
    public int Accepted { get; private set; }

    public PushAnswer Last { get; private set; }

    public int LostInARow { get; private set; }

    /// <summary>True until the first answer is noted: the group's first call is made before the schedule starts.</summary>
    public bool AwaitsFirstAnswer => _answers == 0;

    /// <summary>Takes in one call's answer.</summary>
    /// <param name="closed">The consumer has said it needs nothing more.</param>
    /// <param name="endTaken">A call's answer said the consumer took this edge's end of stream.</param>
    /// <param name="now">A timestamp of the schedule's <see cref="TimeProvider"/>.</param>
    public void Note(PushReply reply, bool lost, bool closed, bool endTaken, long now)
    {
        _answers++;
        Accepted += reply.Accepted;
        LostInARow = lost ? LostInARow + 1 : 0;
        _anyLost |= lost;
        if (_answers == 1) _refusingSince = now;
        if (Accepted == group.Length || closed)
        {
            Last = PushAnswer.Delivered;
        }
        else if (lost)
        {
            // Nobody knows what the consumer took: everything from the last known position goes again at once,
            // and the consumer drops by sequence number what it already has.
            Last = PushAnswer.Lost;
        }
        else if (reply.Busy)
        {
            // Busy is progress-in-waiting, not a refusal: the consumer is running, only slower than its producer.
            Last = PushAnswer.Busy;
            _answersAtBusy = _answers;
            _refusingSince = now;
        }
        else if (reply.NotRunning && (endTaken || _anyLost && group[^1].Final))
        {
            // A consumer no longer running that was handed its end of stream has taken everything before it and
            // finished: what a lost call carried (its reply lost, a later call delivering the end meanwhile) will
            // never be taken again and need not be. Handed it means: a call said so, or this group ends the stream
            // and a call of it was lost. (One that did not get it stopped for another reason — its silo died, a
            // teardown — which ends the run anyway.)
            Last = PushAnswer.ConsumerFinished;
        }
        else
        {
            // The consumer refuses while it is between its old activation and its new one (milliseconds), or when
            // it is not running at all: it finished (and saying so is on its way here), or its silo died.
            Last = PushAnswer.Refused;
        }
    }

    /// <summary>Whether the rest is pushed again: false once delivered, or once the consumer counts as unreachable or gone.</summary>
    public bool PushAgain(TimeProvider time) => Last switch
    {
        PushAnswer.Lost => LostInARow <= MaxLostInARow,
        PushAnswer.Busy => true,
        PushAnswer.Refused => time.GetElapsedTime(_refusingSince) <= RefusalLimit,
        _ => false,
    };

    /// <summary>The pause before the rest is pushed again: none after a lost call or a busy consumer.</summary>
    public TimeSpan PauseBeforeNext => Last == PushAnswer.Refused
        ? TimeSpan.FromMilliseconds(Math.Min(_answers - _answersAtBusy, LongestRefusalPause.TotalMilliseconds))
        : TimeSpan.Zero;
}
