using Dagger.Orleans.Operators;
using Dagger.Orleans.Runtime.Results;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// A sink's result leaves the node as it is written: into the result store in chunks (or, on an embedded silo with
/// <c>ResultsDirectory</c>, into a file), the chunks sent between batches. The node's report carries the result inline
/// only when it is small; otherwise where it was stored. A streamed result's progress travels in the node's snapshot,
/// so a move or a resume from a checkpoint goes on writing where it stopped.
/// </summary>
internal sealed partial class NodeGrain
{
    /// <summary>
    /// A durable sink's checkpoint (written after every batch, a table row of at most about 1 MiB in Azure) carries its
    /// result's unsealed tail: its chunks are kept to this size, so each checkpoint writes at most this much of it.
    /// </summary>
    private const int DurableResultChunkBytes = 64 << 10;

    /// <summary>Points a sink at where its result goes: a file in <c>ResultsDirectory</c>, else the result store.</summary>
    private void DirectResult(SinkOperator sink, NodePlan plan)
    {
        var o = options.Value;
        sink.MaxResultBytes = o.MaxResultBytes;
        if (o.ResultsDirectory is { } directory) sink.ResultTargets = () => ResultFile.Create(directory, plan.NodeId);
        else sink.ResultTargets = () => NewChunkedResult(plan, from: null);
    }

    private ChunkedResult NewChunkedResult(NodePlan plan, StreamedResultState? from)
    {
        var o = options.Value;
        var chunkBytes = IsDurable(plan, _core!.Operator, o) ? Math.Min(o.ResultChunkBytes, DurableResultChunkBytes) : o.ResultChunkBytes;
        return new ChunkedResult(ServiceProvider.GetRequiredService<IResultStore>(), plan.DagId, plan.NodeId, o.MaxResultBytes, chunkBytes, o.InlineResultBytes, from);
    }

    /// <summary>Sends the chunks a sink sealed while it took the last batch (most batches seal none).</summary>
    private ValueTask SendResultChunksAsync() =>
        _core?.Operator is SinkOperator { ResultTarget: { HasUnsent: true } target } ? new ValueTask(target.SendAsync()) : ValueTask.CompletedTask;

    /// <summary>A streaming sink's progress for the node's snapshot (its chunks sent first where the caller could).</summary>
    private StreamedResultState? StreamedResultProgress() =>
        _core?.Operator is SinkOperator { ResultTarget: ChunkedResult chunks } ? chunks.Save() : null;

    /// <summary>A sink's streamed result taken up from a snapshot.</summary>
    private void ResumeStreamedResult(NodeCore core, StreamedResultState? progress)
    {
        if (progress is null || core.Operator is not SinkOperator sink) return;
        var target = NewChunkedResult(_plan!, progress);
        sink.ResumeStreamedResult(target, target.ValuesWritten);
    }

    /// <summary>
    /// A failed sink's chunks are removed at once: an endless source into <c>collect</c> that reached the cap would
    /// otherwise leave the cap's worth in the store for <c>ResultRetention</c>. A removal that fails is logged; the run
    /// fails for its own reason either way.
    /// </summary>
    private async Task AbandonSinkResultAsync()
    {
        if (_core?.Operator is not SinkOperator { ResultTarget: ChunkedResult chunks }) return;
        try
        {
            await chunks.AbandonAsync();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
        {
            LogResultNotRemoved(logger, e, _plan!.DagId, _plan.NodeId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DAG {DagId}: node {NodeId} failed, and the chunks of its result already stored could not be removed")]
    private static partial void LogResultNotRemoved(ILogger logger, Exception exception, string dagId, string nodeId);

    /// <summary>The sink's result, ended where it goes; nothing for other nodes.</summary>
    private ValueTask<SinkResult> EndSinkResultAsync() =>
        _core?.Operator is SinkOperator sink ? sink.EndResultAsync() : ValueTask.FromResult(SinkResult.None);
}
