using Dagger.Orleans.Runtime.Results;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// Sink results: small ones inline (in the status and the run's record), big ones as descriptors of what the result
/// store holds. A stored result in memory is deleted when this grain lets its run go (idle, <c>ResultRetention</c>
/// after the end): without a persistent run-state storage that is when the run is forgotten, and with one, a memory
/// result would not outlive its silo anyway. A blob result stays as long as the run's record (which nothing removes yet).
/// </summary>
internal sealed partial class DagGrain
{
    /// <summary>
    /// A node's result, once: its final report replaces what a forceful cancel took (<paramref name="replace"/>), a
    /// cancel's report does not replace what the node reported itself.
    /// </summary>
    private void KeepResult(string nodeId, string? json, ResultDescriptor? stored, bool replace)
    {
        if (json is null && stored is null) return;
        if (!replace && (_results.ContainsKey(nodeId) || _storedResults.ContainsKey(nodeId))) return;
        _results.Remove(nodeId);
        _storedResults.Remove(nodeId);
        if (stored is not null) _storedResults[nodeId] = stored;
        else _results[nodeId] = json!;
    }

    /// <summary>
    /// Deletes the run's memory results when this grain goes idle after its run ended — not when it moves, or its
    /// silo shuts down (the run goes on being answered elsewhere). A deletion that fails is logged: the result grain
    /// goes by itself <c>ResultRetention</c> after its last use.
    /// </summary>
    private async Task ForgetStoredResultsAsync(DeactivationReason reason)
    {
        if (_storedResults.Count == 0 || !_state.IsTerminal() || reason.ReasonCode != DeactivationReasonCode.ActivationIdle) return;
        var store = ServiceProvider.GetRequiredService<IResultStore>();
        if (store.OutlivesSilos && HasRecord) return;
        foreach (var result in _storedResults.Values)
        {
            try
            {
                await GrainFactory.GetGrain<IResultGrain>(ResultKeys.Of(result.DagId, result.NodeId)).DeleteAsync(result);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
            {
                LogResultNotDeleted(logger, e, DagId, result.NodeId);
            }
        }
        _storedResults.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DAG {DagId}: the stored result of node {NodeId} could not be deleted")]
    private static partial void LogResultNotDeleted(ILogger logger, Exception exception, string dagId, string nodeId);
}
