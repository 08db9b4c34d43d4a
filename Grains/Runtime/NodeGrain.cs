using System.Runtime.CompilerServices;
using System.Buffers;
using System.Text.Json;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Placement;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// Runs one operator of one DAG. The pump (source loop, or loop over input batches) runs as work on this
/// activation's scheduler that yields between batches, never as one long grain call, so control calls
/// (status, cancel, teardown) and data pushes interleave with it.
/// </summary>
[Reentrant]
[NodePlacement]
internal sealed partial class NodeGrain(
    OperatorCatalog catalog, LocalInboxDirectory localInboxes, IOptions<DaggerOptions> options, ILocalSiloDetails siloDetails,
    ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    private NodePlan? _plan;
    private NodeCore? _core;
    private NodeInbox? _inbox;
    private EdgeWriter[] _outputs = [];
    private IDagGrain? _dag;
    private readonly CancellationTokenSource _forced = new();
    private readonly CancellationTokenSource _stopProducing = new();
    private readonly NodeLifecycle _life = new();
    private Task? _pump;
    private Batch?[] _lockstepCarry = [];

    private Resilience.ResiliencePipelines Pipelines => ServiceProvider.GetRequiredService<Resilience.ResiliencePipelines>();

    public Task<SiloAddress> StartAsync(NodePlan plan)
    {
        if (_plan is not null)
        {
            if (_plan == plan) return Task.FromResult(siloDetails.SiloAddress);
            throw new InvalidOperationException($"node '{plan.NodeId}' of DAG '{plan.DagId}' was already started with another plan");
        }
        Run(plan, new NodeInbox(plan.InputCount, plan.Window));
        return Task.FromResult(siloDetails.SiloAddress);
    }

    /// <summary>Sets the node up around <paramref name="inbox"/> (fresh, or carried over by a migration) and starts its pump.</summary>
    private void Run(NodePlan plan, NodeInbox inbox, Action<NodeCore>? restore = null, bool[]? closedOutputs = null)
    {
        _plan = plan;
        _dag = GrainFactory.GetDagGrain(plan.DagId);
        var op = catalog.Create(plan.Op, plan.ArgsJson);
        op.NodeId = plan.NodeId;
        op.BatchSize = plan.BatchSize;
        op.Device = plan.Device;
        if (op is SinkOperator sinkOperator) DirectResult(sinkOperator, plan);
        _core = new NodeCore(op, plan.BatchSize, plan.MaxEvals, _life);
        restore?.Invoke(_core);
        _durable = IsDurable(plan, op, options.Value);
        if (_processed.Length != plan.InputCount) _processed = Enumerable.Repeat(-1L, plan.InputCount).ToArray();
        _inbox = inbox;
        localInboxes.Register(NodeKey.Of(plan.DagId, plan.NodeId), _inbox);
        OpenShmInputs(plan);
        _outputs = plan.Outputs.Select(e => CreateWriter(plan, e)).ToArray();
        if (_streamTaken.Length != plan.InputCount) _streamTaken = Enumerable.Repeat(-1L, plan.InputCount).ToArray();
        for (var i = 0; i < _outputs.Length && closedOutputs is not null && i < closedOutputs.Length; i++) _outputs[i].Closed = closedOutputs[i];
        _life.Start();
        // A running pump is not grain activity: keep the activation until the node ends.
        DelayDeactivation(TimeSpan.MaxValue);
        _pump = RunAsync();
    }

    private EdgeWriter CreateWriter(NodePlan plan, OutputEdge edge)
    {
        var key = NodeKey.Of(plan.DagId, edge.ToNode);
        var consumer = GrainFactory.GetNodeGrain(plan.DagId, edge.ToNode);
        if (edge.Transport == Spec.Transports.Memory) return new MemoryEdgeWriter(consumer, key, edge, plan.Window, localInboxes, Pipelines);
        if (edge.Transport == Spec.Transports.SharedMemory) return CreateShmWriter(plan, edge);
        var stream = this.GetStreamProvider(edge.Transport).GetStream<Batch>(EdgeStreams.For(plan.DagId, edge));
        // Publishes in flight may be stored out of order after a retry, which only a node that cannot be durable
        // takes in its stride (StreamEdgeWriter): with a run-state storage, one at a time.
        var maxPublishes = options.Value.StateStorage is null ? plan.Window : 1;
        return new StreamEdgeWriter(stream, consumer, edge, plan.Window, maxPublishes, options.Value.MaxWait, Pipelines, logger, _forced.Token);
    }

    public async ValueTask<PushReply> PushAsync(int port, Batch[] batches)
    {
        if (_inbox is null)
        {
            // A fresh activation that was never started: the node is not running here (it ended and its producer has
            // not heard yet, or its silo died and took it). Refused: the producer tries again until it hears that
            // the consumer finished, or gives up and fails the run.
            DeactivateOnIdle();
            return new PushReply(0, Busy: false, NotRunning: true);
        }
        var giveUpAt = Environment.TickCount64 + (long)options.Value.MaxWait.TotalMilliseconds;
        for (var i = 0; i < batches.Length; i++)
        {
            var outcome = await DeliverAsync(port, batches[i], giveUpAt);
            if (outcome == InboxWrite.Taken) continue;
            // What was not taken is left as it came: the producer's own object within a silo (it sends it again), a
            // copy nobody holds across silos (the garbage collector takes it).
            return new PushReply(i, Busy: outcome == InboxWrite.Busy);
        }
        return new PushReply(batches.Length, Busy: false);
    }

    /// <summary>Busy when the inbox had no room in time, refused when the node is moving.</summary>
    private ValueTask<InboxWrite> DeliverAsync(int port, Batch batch, long giveUpAt)
    {
        if (_departing is not null) return ValueTask.FromResult(InboxWrite.Refused);
        batch.AdoptIfReceivedCopy();
        return _inbox!.WriteWithinAsync(port, batch, giveUpAt);
    }

    public Task ConsumerFinishedAsync(string toNode, int port)
    {
        if (_plan is null)
        {
            DeactivateOnIdle();
            return Task.CompletedTask;
        }
        foreach (var writer in _outputs)
        {
            if (writer.Edge.ToNode == toNode && writer.Edge.Port == port) writer.Closed = true;
        }
        if (_life.IsRunning && _outputs.All(w => w.Closed))
        {
            LogTornDown(logger, _plan.DagId, _plan.NodeId);
            RequestStop();
        }
        return Task.CompletedTask;
    }

    public async Task<NodeReport?> CancelAsync(CancelMode mode)
    {
        if (_plan is null)
        {
            DeactivateOnIdle();
            return null;
        }
        if (mode == CancelMode.Graceful)
        {
            // Sources stop; everything already emitted drains through the rest of the DAG.
            if (_core!.Operator is SourceOperator) RequestStop();
            return null;
        }
        var wasRunning = _life.CancelForcefully();
        foreach (var writer in _outputs) writer.Closed = true;
        _forced.Cancel();
        _stopProducing.Cancel();
        CloseInbox();
        // The output buffer is the pump's: it discards it when it sees the cancellation, so an operator still
        // running cannot write into a buffer already back in the pool.
        if (_pump is { IsCompleted: false } pump)
        {
            // Give a cooperative operator a moment to see its token, so its last continuation does not outlive the activation.
            await Task.WhenAny(pump, Task.Delay(options.Value.CancelGrace));
        }
        DelayDeactivation(TimeSpan.Zero);
        DeactivateOnIdle();
        // A sink keeps what it received: its result goes back with the report.
        var result = wasRunning ? await EndSinkResultAsync() : SinkResult.None;
        return new NodeReport(Status(), result.Json, result.Stored);
    }

    public Task StopAsync()
    {
        if (_plan is null)
        {
            DeactivateOnIdle();
            return Task.CompletedTask;
        }
        if (!_life.RequestStopByUser()) return Task.CompletedTask;
        LogStoppedByUser(logger, _plan.DagId, _plan.NodeId);
        StopTakingInput();
        return Task.CompletedTask;
    }

    public Task<NodeStatus> GetStatusAsync()
    {
        // Asked after this node ended and was deactivated: answer, and do not linger as an empty activation.
        if (_plan is null) DeactivateOnIdle();
        return Task.FromResult(Status());
    }

    private NodeStatus Status(string? error = null) => new()
    {
        NodeId = _plan?.NodeId ?? this.GetPrimaryKeyString(),
        State = _life.State,
        Emitted = _core?.Emitted ?? 0,
        Received = _core?.Received ?? 0,
        Silo = RuntimeIdentity,
        Error = error,
        Samples = _core?.Operator is Operators.Signal.ISampleClock { SampleRate: not null } clock ? clock.SamplesEmitted : 0,
        SampleRate = (_core?.Operator as Operators.Signal.ISampleClock)?.SampleRate,
        Counters = (_core?.Operator as Operators.IOperatorCounters)?.Counters(),
    };

    private void RequestStop()
    {
        if (_life.RequestStop()) StopTakingInput();
    }

    private void StopTakingInput()
    {
        _stopProducing.Cancel();
        // A transform or sink waiting for input wakes up to a closed inbox and ends.
        if (_core!.Operator is not SourceOperator) CloseInbox();
    }

    private async Task RunAsync()
    {
        // Let StartAsync return before the first batch is produced.
        await Task.Yield();
        // The pump inherits the request context of the StartAsync call (placement hints): data calls carry none.
        RequestContext.Clear();
        OpenTimeline();
        try
        {
            switch (_core!.Operator)
            {
                case SourceOperator: await RunSourceAsync(); break;
                case LockstepOperator lockstep: await RunLockstepAsync(lockstep); break;
                default: await RunInputsAsync(); break;
            }
            if (_forced.IsCancellationRequested) return;
            if (_life.StoppedToMove) await PauseAsync();
            else await FinishAsync();
        }
        catch (Exception e) when (_forced.IsCancellationRequested)
        {
            // Forceful cancellation already settled this node's state; what the operator threw on the way out
            // (usually the cancellation itself) is only worth a debug line.
            LogStoppedWith(logger, e, _plan!.DagId, _plan.NodeId);
        }
        catch (Runtime.Durability.StaleRecordException e)
        {
            // Another activation of this node took over (its silo was declared dead while this one ran on): that one
            // runs the node now, and this one leaves without a word to the run, which counts on the other.
            LogStale(logger, e, _plan!.DagId, _plan.NodeId);
            _forced.Cancel();
            CloseInbox(deliveriesDone: false);
            _core?.Output.Discard();
            DelayDeactivation(TimeSpan.Zero);
            DeactivateOnIdle();
        }
        catch (Exception e)
        {
            await FailAsync(e);
        }
        finally
        {
            if (_forced.IsCancellationRequested) _core?.Output.Discard();
            CloseTimeline();
        }
    }

    private async Task RunSourceAsync()
    {
        var core = _core!;
        while (_life.KeepsPumping && !_forced.IsCancellationRequested)
        {
            bool more;
            try
            {
                more = await core.ProduceAsync(_stopProducing.Token);
            }
            catch (OperationCanceledException) when (_stopProducing.IsCancellationRequested && !_forced.IsCancellationRequested)
            {
                // Graceful stop or teardown: what was produced so far still goes out.
                core.Output.Flush();
                more = false;
            }
            await EmitReadyAsync();
            await CheckpointAsync();
            if (!more)
            {
                _life.EndInputNow();
                break;
            }
        }
    }

    private async Task RunInputsAsync()
    {
        var inbox = _inbox!;
        while (_life.KeepsPumping)
        {
            int port;
            Batch batch;
            if (inbox.PortCount == 1)
            {
                var next = await WaitingFor(inbox.ReadAsync(0));
                if (next is null)
                {
                    _life.EndInput();
                    return;
                }
                (port, batch) = (0, next);
            }
            else
            {
                var next = await WaitingFor(inbox.ReadAnyAsync());
                if (next is null)
                {
                    _life.EndInput();
                    return;
                }
                (port, batch) = next.Value;
            }
            var sequence = batch.Sequence;
            NoteTaken(port, sequence);
            if (batch.Final)
            {
                await CheckpointAsync();
                MarkProcessed(port, sequence);
                if (inbox.PortCount == 1)
                {
                    _life.EndInputNow();
                    return;
                }
                continue;
            }
            await _core!.ProcessAsync(port, batch, _forced.Token);
            await SendResultChunksAsync();
            await EmitReadyAsync();
            await CheckpointAsync();
            MarkProcessed(port, sequence);
        }
    }

    private async Task RunLockstepAsync(LockstepOperator op)
    {
        var inbox = _inbox!;
        var join = new LockstepJoin(op, inbox.PortCount);
        // Half-used batches carried over by a migration come first.
        join.Resume(_lockstepCarry);
        _lockstepCarry = [];
        try
        {
            while (_life.IsRunning && !_life.LimitReached && !_life.StopRequested)
            {
                while (join.NeededPort() is { } p)
                {
                    var next = await WaitingFor(inbox.ReadAsync(p));
                    if (next is not null) NoteTaken(p, next.Sequence);
                    if (next is null && _life.Pausing)
                    {
                        _lockstepCarry = join.CarryRest();
                        return;
                    }
                    if (next is null || next.Final)
                    {
                        // Lockstep ends when any input ends.
                        _life.EndInputNow();
                        return;
                    }
                    _core!.OfferLockstep(join, p, next);
                }
                join.CombineInto(_core!.Output);
                await EmitReadyAsync();
            }
        }
        finally
        {
            join.ReleaseAll();
        }
    }

    // Runs once per batch: the state machine comes from a pool instead of the heap when it has to wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask EmitReadyAsync()
    {
        while (_core!.NextToEmit() is { } batch) await EmitAsync(batch);
    }

    /// <summary>One stamped batch to every consumer still listening (holder-counted: the writers share it).</summary>
    // Runs once per batch: the state machine comes from a pool instead of the heap when it has to wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask EmitAsync(Batch batch)
    {
        if (_forced.IsCancellationRequested)
        {
            // An operator that ignores its token is still cut off here.
            batch.Release();
            _forced.Token.ThrowIfCancellationRequested();
        }
        var live = 0;
        foreach (var w in _outputs) if (!w.Closed) live++;
        if (live == 0)
        {
            batch.Release();
            return;
        }
        batch.AddHolders(live - 1);
        foreach (var writer in _outputs)
        {
            if (!writer.Closed) await StalledBy(writer.SendAsync(batch), writer);
        }
    }

    private async Task FinishAsync()
    {
        var plan = _plan!;
        _core!.Output.Flush();
        await EmitReadyAsync();
        var end = _core.EndOfStream();
        foreach (var writer in _outputs)
        {
            if (!writer.Closed) await writer.SendAsync(end);
        }
        // Side by side: each waits for its consumer to take the end, sending again what a broker lost meanwhile.
        await CompleteOutputsAsync(end.Sequence);
        await TearDownInputsAsync();
        CloseInbox();
        if (_core!.Operator is SinkOperator sink) await sink.EndAsync(_forced.Token);
        var result = await EndSinkResultAsync();
        _life.Finish();
        LogFinished(logger, plan.DagId, plan.NodeId, _core.Emitted);
        await _dag!.NodeFinishedAsync(Status(), result.Json, result.Stored);
        await ForgetCheckpointAsync();
        DelayDeactivation(TimeSpan.Zero);
        DeactivateOnIdle();
    }

    private Task CompleteOutputsAsync(long lastSequence)
    {
        if (_outputs.Length == 1) return _outputs[0].CompleteAsync(lastSequence);
        var completions = new Task[_outputs.Length];
        for (var i = 0; i < _outputs.Length; i++) completions[i] = _outputs[i].CompleteAsync(lastSequence);
        return Task.WhenAll(completions);
    }

    /// <summary>Stops taking input: later writes, local or by call, are dropped, and the silo directory forgets this inbox.</summary>
    /// <param name="deliveriesDone">False when the node stops without having processed what it was delivered (a durable
    /// node going away): those deliveries fail, so the broker keeps the batches for the node's next start.</param>
    private void CloseInbox(bool deliveriesDone = true)
    {
        ReleasePositionWaiters(ended: true);
        ReleaseProcessedWaiters(deliveriesDone);
        CloseShmInputs();
        if (_inbox is null || _plan is null) return;
        localInboxes.Unregister(NodeKey.Of(_plan.DagId, _plan.NodeId), _inbox);
        _inbox.Close();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        DisposeWhenIdle();
        // A node moving away goes on elsewhere: what its inbox holds travels in its snapshot.
        if (_departing is not null) return;
        var lostWhileRunning = _life.IsRunning && !_forced.IsCancellationRequested;
        if (lostWhileRunning && _durable)
        {
            // Everything it had not checkpointed is still at the broker: it starts again from its checkpoint.
            _forced.Cancel();
            CloseInbox(deliveriesDone: false);
            await _dag!.NodeLostAsync(_plan!.NodeId, reason.Description);
            return;
        }
        CloseInbox();
        if (lostWhileRunning)
        {
            // Going away mid-stream (its silo shutting down, say) loses what a memory edge held: the run cannot
            // complete correctly, so it fails now instead of waiting forever for this node's end of stream.
            _life.Fail();
            _forced.Cancel();
            await _dag!.NodeFailedAsync(_plan!.NodeId, $"deactivated while running ({reason.Description})");
        }
    }

    /// <summary>
    /// An operator holding device buffers (the ILGPU kernels) and writers holding mapped rings give them back with the
    /// activation. A pump still in an operator that ignored a forceful cancel gets to leave it first.
    /// </summary>
    private void DisposeWhenIdle()
    {
        DisposeShmInputsWhenRead();
        foreach (var disposable in _outputs.OfType<IDisposable>().Prepend(_core?.Operator as IDisposable))
        {
            if (disposable is null) continue;
            if (_pump is null || _pump.IsCompleted) disposable.Dispose();
            else _pump.ContinueWith(static (_, d) => ((IDisposable)d!).Dispose(), disposable, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>Tells the producers of inputs that have not ended that this node needs nothing more (Dagger's teardown).</summary>
    private Task TearDownInputsAsync()
    {
        var plan = _plan!;
        var calls = new List<Task>();
        foreach (var input in plan.Inputs)
        {
            if (_inbox!.IsPortFinal(input.Port)) continue;
            calls.Add(GrainFactory.GetGrain<INodeGrain>(NodeKey.Of(plan.DagId, input.FromNode)).ConsumerFinishedAsync(plan.NodeId, input.Port));
        }
        return Task.WhenAll(calls);
    }

    private async Task FailAsync(Exception e)
    {
        var plan = _plan!;
        _life.Fail();
        CloseInbox();
        _core?.Output.Discard();
        LogFailed(logger, e, plan.DagId, plan.NodeId);
        await AbandonSinkResultAsync();
        var cause = e is OperationCanceledException ? "cancelled" : $"{e.GetType().Name}: {e.Message}";
        await _dag!.NodeFailedAsync(plan.NodeId, cause);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "DAG {DagId}: node {NodeId} finished after emitting {Emitted} elements")]
    private static partial void LogFinished(ILogger logger, string dagId, string nodeId, long emitted);

    [LoggerMessage(Level = LogLevel.Information, Message = "DAG {DagId}: node {NodeId} cancelled: it stops taking input and ends its output")]
    private static partial void LogStoppedByUser(ILogger logger, string dagId, string nodeId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "DAG {DagId}: node {NodeId} stops: every consumer has finished")]
    private static partial void LogTornDown(ILogger logger, string dagId, string nodeId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "DAG {DagId}: node {NodeId} stopped by forceful cancellation")]
    private static partial void LogStoppedWith(ILogger logger, Exception exception, string dagId, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DAG {DagId}: node {NodeId} stops here: another activation of it wrote its checkpoint")]
    private static partial void LogStale(ILogger logger, Exception exception, string dagId, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DAG {DagId}: node {NodeId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string dagId, string nodeId);
}
