using Dagger.Orleans.Placement;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.Logging;
using Orleans.Serialization.TypeSystem;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// Load balancing, our own policy rather than Orleans' activation rebalancer (experimental, ORLEANSEXP002): that
/// one weighs message traffic between activations and moves grains in batches on its own schedule, knowing nothing
/// of a node's device or of the pause a node needs to move without loss. Here load is what a node is — a running
/// operator competing for its silo's cores — so a silo's load is its count of node activations, cluster-wide (all
/// runs). Every <see cref="DaggerOptions.BalancePeriod"/> a running DAG compares the silos; when the busiest has
/// at least <see cref="DaggerOptions.BalanceThreshold"/> more than the least busy that may host one of this run's
/// nodes there, it moves one node (the last, in topological order, of those on the busiest silo, so the blocks of
/// a chain stay contiguous) by live migration. One move a period per run: it converges, and never thrashes.
/// </summary>
internal sealed partial class DagGrain
{
    private static readonly string NodeGrainType = RuntimeTypeNameFormatter.Format(typeof(NodeGrain));
    private IGrainTimer? _balancer;
    private bool _balancing;

    private void StartBalancing()
    {
        if (_options.BalancePeriod <= TimeSpan.Zero || _balancer is not null) return;
        _balancer = this.RegisterGrainTimer(BalanceAsync, new GrainTimerCreationOptions(_options.BalancePeriod, _options.BalancePeriod) { Interleave = true });
    }

    private void StopBalancing()
    {
        _balancer?.Dispose();
        _balancer = null;
    }

    private async Task BalanceAsync(CancellationToken cancellation)
    {
        if (_balancing || _spec is null || _state != DagState.Running || _moving.Count > 0) return;
        _balancing = true;
        try
        {
            var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToArray();
            if (active.Length < 2) return;
            var load = active.ToDictionary(s => s, _ => 0);
            foreach (var entry in await GrainFactory.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics())
            {
                if (entry.GrainType == NodeGrainType && load.ContainsKey(entry.SiloAddress)) load[entry.SiloAddress] += entry.ActivationCount;
            }
            var busiest = active.MaxBy(s => load[s])!;
            var order = DagPlanner.TopologicalOrder(_spec);
            for (var i = order.Count - 1; i >= 0; i--)
            {
                var nodeId = order[i];
                if (_nodes[nodeId].State != NodeState.Running || !_nodeSilos.TryGetValue(nodeId, out var silo) || !silo.Equals(busiest)) continue;
                var device = _spec.Nodes.First(n => n.Id == nodeId).EffectiveDevice;
                var candidates = accelerators.Qualifying(device, [.. active.Where(s => ShmColocation.CanHost(_spec, nodeId, s, _nodeSilos))]);
                if (candidates.Length == 0) continue;
                var target = candidates.MinBy(s => load[s])!;
                if (load[busiest] - load[target] < Math.Max(2, _options.BalanceThreshold)) continue;
                LogBalancing(logger, DagId, nodeId, busiest, load[busiest], target, load[target]);
                await MigrateNodeAsync(nodeId, target.ToParsableString());
                return;
            }
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
        {
            // A move that could not happen (the node ended meanwhile, a silo left) is retried next period if still worth it.
            LogBalanceFailed(logger, e, DagId);
        }
        finally
        {
            _balancing = false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DAG {DagId}: moving node {NodeId} from {From} ({FromLoad} nodes) to {To} ({ToLoad} nodes)")]
    private static partial void LogBalancing(ILogger logger, string dagId, string nodeId, SiloAddress from, int fromLoad, SiloAddress to, int toLoad);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DAG {DagId}: a balancing move failed")]
    private static partial void LogBalanceFailed(ILogger logger, Exception exception, string dagId);
}
