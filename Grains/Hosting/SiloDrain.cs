using Dagger.Orleans.Runtime;
using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Hosting;

/// <summary>
/// A silo shutting down gracefully (a rolling upgrade, a scale-in) first moves its running nodes, then its DAG
/// grains, to the other active silos, so the runs go on without loss. Without another silo there is nowhere to go:
/// the nodes stop with the silo and their runs fail, as before.
/// </summary>
internal sealed partial class SiloDrain(
    LocalInboxDirectory nodes, LocalDagDirectory dags, IGrainFactory grains, IClusterMembershipService membership,
    ILocalSiloDetails silo, Microsoft.Extensions.Options.IOptions<DaggerOptions> options, ILogger<SiloDrain> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        // Stopping the Active stage comes first in a shutdown, while this silo still takes and makes calls.
        lifecycle.Subscribe(nameof(SiloDrain), ServiceLifecycleStage.Active, _ => Task.CompletedTask, DrainAsync);

    private async Task DrainAsync(CancellationToken cancellation)
    {
        // A stop that is already cancelled is not graceful (a kill): there is no time to move anything.
        if (!options.Value.DrainOnShutdown || cancellation.IsCancellationRequested) return;
        var others = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(silo.SiloAddress))
            .Select(m => m.SiloAddress).ToArray();
        var nodeKeys = nodes.NodeKeys;
        if (others.Length == 0 || nodeKeys.Length + dags.Ids.Length == 0) return;
        LogDraining(logger, nodeKeys.Length, dags.Ids.Length, others.Length);
        // The DAG grain picks where each node goes (a silo that may host its device, the least loaded).
        await Task.WhenAll(nodeKeys.Select(async key =>
        {
            var split = key.LastIndexOf('/');
            var (dagId, nodeId) = (key[..split], key[(split + 1)..]);
            try
            {
                await grains.GetGrain<IDagGrain>(dagId).MigrateNodeAsync(nodeId, null).WaitAsync(cancellation);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // It stops with the silo, and its run fails naming it: nothing is lost silently.
                LogNodeStayed(logger, e, dagId, nodeId);
            }
        }));
        var i = 0;
        await Task.WhenAll(dags.Ids.Select(dagId => grains.GetGrain<IDagGrain>(dagId).MoveToAsync(others[i++ % others.Length])));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "shutting down: moving {Nodes} running nodes and {Dags} DAG grains to the {Silos} other active silos")]
    private static partial void LogDraining(ILogger logger, int nodes, int dags, int silos);

    [LoggerMessage(Level = LogLevel.Warning, Message = "shutting down: node {NodeId} of DAG {DagId} could not move away")]
    private static partial void LogNodeStayed(ILogger logger, Exception exception, string dagId, string nodeId);
}
