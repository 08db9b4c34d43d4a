using Dagger.Orleans.Discovery;
using Dagger.Orleans.Runtime;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Client;

/// <summary>A run as <see cref="DaggerClient.ListRunsAsync"/> shows it: what the run list recorded, and its state now.</summary>
/// <param name="State">Null when its DAG grain could not be asked (the error says why).</param>
public sealed record RunSummary(string DagId, string? Name, int Nodes, DateTimeOffset SubmittedAt, DagState? State, DateTimeOffset? EndedAt, string? Error);

/// <summary>What the cluster can tell about itself: its operators, its verdict on a spec, its runs and their timelines.</summary>
public sealed partial class DaggerClient
{
    /// <summary>Every operator the cluster's silos know (asked of a silo, not this process's assemblies), by name.</summary>
    public Task<IReadOnlyList<OperatorInfo>> GetOperatorsAsync() => _grains.GetClusterInfo().GetOperatorsAsync();

    /// <summary>Every problem the cluster would refuse <paramref name="spec"/> for, without running it; empty when it would run it.</summary>
    public Task<IReadOnlyList<string>> ValidateOnClusterAsync(DagSpec spec) => _grains.GetClusterInfo().ValidateAsync(spec);

    /// <summary>The runs the cluster knows, newest first, each with its state now. Runs the cluster no longer answers for are left out (and forgotten by the list).</summary>
    public async Task<IReadOnlyList<RunSummary>> ListRunsAsync()
    {
        var list = _grains.GetRunList();
        var entries = await list.ListAsync();
        var summaries = await Task.WhenAll(entries.Select(SummarizeAsync));
        var gone = entries.Where((_, i) => summaries[i] is null).Select(e => e.DagId).ToArray();
        if (gone.Length > 0) await list.ForgetAsync(gone);
        return summaries.OfType<RunSummary>().ToArray();
    }

    private async Task<RunSummary?> SummarizeAsync(RunEntry entry)
    {
        try
        {
            var status = await _grains.GetDagGrain(entry.DagId).GetStatusAsync().WaitAsync(StatusTimeout);
            return new RunSummary(entry.DagId, entry.Name, entry.Nodes, entry.SubmittedAt, status.State, status.EndedAt, status.Error);
        }
        catch (DagNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            return new RunSummary(entry.DagId, entry.Name, entry.Nodes, entry.SubmittedAt, null, null, $"its state could not be read: {e.Message}");
        }
    }

    /// <summary>How long <see cref="ListRunsAsync"/> waits for one run's state before listing it as unknown.</summary>
    public static TimeSpan StatusTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Run <paramref name="dagId"/>'s timeline: every lane its nodes recorded, from every active silo (a node that moved
    /// has a lane per silo it ran on). Throws <see cref="DagNotFoundException"/> for a run the cluster does not know.
    /// </summary>
    public async Task<IReadOnlyList<TimelineLane>> GetTimelineAsync(string dagId)
    {
        var status = await _grains.GetDagGrain(dagId).GetStatusAsync();
        var hosts = await _grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var lanes = await Task.WhenAll(hosts.Keys.Select(silo => _grains.GetSiloTimeline(silo).GetLanesAsync(dagId)));
        // In spec order, then by when each stay began.
        var order = status.Nodes.Select((n, i) => (n.NodeId, i)).ToDictionary(p => p.NodeId, p => p.i, StringComparer.Ordinal);
        return lanes.SelectMany(l => l).OrderBy(l => order.GetValueOrDefault(l.NodeId, int.MaxValue)).ThenBy(l => l.Start).ToArray();
    }
}
