using Dagger.Orleans.Discovery;

namespace Dagger.Orleans.Runtime.Timeline;

/// <summary>Reads this silo's <see cref="TimelineStore"/> for a client (<see cref="ISiloTimelineGrain"/>); placed on the silo its key names.</summary>
[SiloTargeted]
internal sealed class SiloTimelineGrain(TimelineStore store) : Grain, ISiloTimelineGrain
{
    public Task<IReadOnlyList<TimelineLane>> GetLanesAsync(string dagId) => Task.FromResult(store.Lanes(dagId));
}
