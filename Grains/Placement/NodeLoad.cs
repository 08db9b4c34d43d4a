using Dagger.Orleans.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization.TypeSystem;

namespace Dagger.Orleans.Placement;

/// <summary>
/// Picks the least loaded silo for an <c>any</c> node. Load is the number of node activations on a silo — each is
/// a running operator, so it is what competes for the silo's cores — counted cluster-wide by Orleans' management
/// grain (its per-type activation counts), asked when the last count is older than
/// <see cref="DaggerOptions.NodeLoadRefresh"/>, plus the nodes this silo has placed since (a DAG places many nodes
/// within one refresh period; without these they would all land on the same silo).
/// </summary>
internal sealed partial class NodeLoad(IGrainFactory grains, IOptions<DaggerOptions> options, ILogger<NodeLoad> logger)
{
    private readonly TimeSpan _refreshPeriod = options.Value.NodeLoadRefresh;

    private static readonly string NodeGrainType = RuntimeTypeNameFormatter.Format(typeof(NodeGrain));

    private readonly Lock _lock = new();
    private readonly Dictionary<SiloAddress, int> _placedSinceCount = [];
    private Dictionary<SiloAddress, int> _counted = [];
    private DateTime _countedAt = DateTime.MinValue;
    private Task? _counting;

    public async Task<SiloAddress> LeastLoadedAsync(SiloAddress[] candidates)
    {
        await CountIfStaleAsync();
        lock (_lock)
        {
            // Start at a random candidate so that equal loads spread instead of always going to the first silo.
            var start = Random.Shared.Next(candidates.Length);
            var best = candidates[start];
            var bestLoad = int.MaxValue;
            for (var i = 0; i < candidates.Length; i++)
            {
                var silo = candidates[(start + i) % candidates.Length];
                var load = _counted.GetValueOrDefault(silo) + _placedSinceCount.GetValueOrDefault(silo);
                if (load < bestLoad) (best, bestLoad) = (silo, load);
            }
            _placedSinceCount[best] = _placedSinceCount.GetValueOrDefault(best) + 1;
            return best;
        }
    }

    /// <summary>Counts a node placed by another rule (cpu, gpu), so the next <c>any</c> node sees it before the next count does.</summary>
    public void Placed(SiloAddress silo)
    {
        lock (_lock) _placedSinceCount[silo] = _placedSinceCount.GetValueOrDefault(silo) + 1;
    }

    private Task CountIfStaleAsync()
    {
        lock (_lock)
        {
            if (DateTime.UtcNow - _countedAt < _refreshPeriod) return Task.CompletedTask;
            // Started off this lock (and this thread), so it cannot finish before it is recorded as running.
            return _counting ??= Task.Run(CountAsync);
        }
    }

    private async Task CountAsync()
    {
        Dictionary<SiloAddress, int>? counted = null;
        try
        {
            var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
            counted = [];
            foreach (var entry in statistics)
            {
                if (entry.GrainType == NodeGrainType) counted[entry.SiloAddress] = counted.GetValueOrDefault(entry.SiloAddress) + entry.ActivationCount;
            }
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // Placement goes on with what this director placed itself; the next placement asks again.
            LogCountFailed(logger, e);
        }
        finally
        {
            lock (_lock)
            {
                if (counted is not null)
                {
                    _counted = counted;
                    _placedSinceCount.Clear();
                    _countedAt = DateTime.UtcNow;
                }
                _counting = null;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count node activations per silo; placing 'any' nodes by this silo's own placements")]
    private static partial void LogCountFailed(ILogger logger, Exception exception);
}
