using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Discovery;

/// <summary>
/// The cluster's list of runs (<see cref="IRunListGrain"/>), in memory: the newest <see cref="Capacity"/> are kept.
/// A run whose DAG grain no longer answers for it (<c>DaggerOptions.ResultRetention</c> after its end) is forgotten when
/// a client lists it and hears so. Only the list lives
/// here; state and age come from each run's DAG grain, so this grain's memory does not grow with a run's life.
/// </summary>
internal sealed class RunListGrain : Grain, IRunListGrain
{
    /// <summary>How many runs the list keeps; the oldest go first (a run still going is still answered by <c>dagger status</c>).</summary>
    public const int Capacity = 1000;

    // Submission order: the newest at the end; ids index into it for forgetting.
    private readonly LinkedList<RunEntry> _runs = new();
    private readonly Dictionary<string, LinkedListNode<RunEntry>> _byId = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Idle for a while is no reason to lose the list: it goes only with its silo.
        DelayDeactivation(TimeSpan.MaxValue);
        return Task.CompletedTask;
    }

    public Task AddAsync(RunEntry run)
    {
        if (_byId.ContainsKey(run.DagId)) return Task.CompletedTask;
        _byId[run.DagId] = _runs.AddLast(run);
        while (_runs.Count > Capacity) Remove(_runs.First!.Value.DagId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RunEntry>> ListAsync() => Task.FromResult<IReadOnlyList<RunEntry>>(_runs.Reverse().ToArray());

    public Task ForgetAsync(IReadOnlyList<string> dagIds)
    {
        foreach (var id in dagIds) Remove(id);
        return Task.CompletedTask;
    }

    private void Remove(string dagId)
    {
        if (_byId.Remove(dagId, out var node)) _runs.Remove(node);
    }

    /// <summary>The hook a DAG grain calls once its run is accepted: one message, not awaited, so a submission never waits on the list.</summary>
    public static void Announce(IGrainFactory grains, string dagId, DagSpec spec, DateTimeOffset submittedAt) =>
        grains.GetRunList().AddAsync(new RunEntry(dagId, spec.Name, submittedAt, spec.Nodes.Count)).Ignore();
}
