using Orleans;

namespace Dagger.Orleans.Tests.Edges;

/// <summary>
/// A test carrier for memory edges between silos: every <c>everyNth</c> call that carries batches (<c>PushAsync</c>) is
/// lost, alternately before it reaches the consumer (the request went missing) and after the consumer took its batches
/// (the reply went missing). Either way the caller sees what Orleans reports for a call with no answer: a timeout.
/// </summary>
public sealed class LossyPushFilter(int everyNth) : IOutgoingGrainCallFilter
{
    private static long s_lost;
    private long _calls;

    /// <summary>Calls lost so far, by every instance.</summary>
    public static long Lost => Interlocked.Read(ref s_lost);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name != "PushAsync" || Interlocked.Increment(ref _calls) % everyNth != 0)
        {
            await context.Invoke();
            return;
        }
        var lost = Interlocked.Increment(ref s_lost);
        if (lost % 2 == 0) await context.Invoke();
        throw new TimeoutException($"push {lost} lost by the test carrier ({(lost % 2 == 0 ? "reply" : "request")})");
    }
}
