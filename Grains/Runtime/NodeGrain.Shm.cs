using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The consumer side of <c>shm</c> edges: the node creates each input edge's ring when it starts (before its producer,
/// which opens it) and moves batches from the ring into its inbox. The ring's read position advances only once the
/// inbox took a batch, so the inbox's window and the ring's free space are the producer's credit, and a node moving
/// to another silo of the host leaves unread batches in the ring for its next activation.
/// </summary>
internal sealed partial class NodeGrain
{
    private readonly List<ShmInput> _shmInputs = [];

    private sealed class ShmInput(ShmRing ring)
    {
        public ShmRing Ring { get; } = ring;
        public Task Reading { get; set; } = Task.CompletedTask;
    }

    private ShmOptions ShmSettings => options.Value.Shm
        ?? throw new InvalidOperationException("this silo has no shm edges (Dagger:Shm is not set)");

    private void OpenShmInputs(NodePlan plan)
    {
        foreach (var input in plan.Inputs)
        {
            if (input.Transport != Spec.Transports.SharedMemory) continue;
            var shm = ShmSettings;
            var shmInput = new ShmInput(ShmRing.CreateOrOpen(ShmPaths.For(shm.Directory, plan.DagId, input.FromNode, plan.NodeId, input.Port), shm.RingBytes));
            shmInput.Reading = ReadShmAsync(shmInput.Ring, input.Port);
            _shmInputs.Add(shmInput);
        }
    }

    private EdgeWriter CreateShmWriter(NodePlan plan, OutputEdge edge) =>
        new ShmEdgeWriter(ShmPaths.For(ShmSettings.Directory, plan.DagId, plan.NodeId, edge.ToNode, edge.Port), edge, plan.Window, options.Value.MaxWait, _forced.Token);

    private async Task ReadShmAsync(ShmRing ring, int port)
    {
        // Let StartAsync return first.
        await Task.Yield();
        var inbox = _inbox!;
        try
        {
            for (var waited = 0; !inbox.IsClosed;)
            {
                if (ring.TryRead() is not { } batch)
                {
                    // The wake-up first, then one more look: a write in between is not missed.
                    var written = ring.DataWritten();
                    if (ring.TryRead() is not { } late)
                    {
                        await ShmWait.NextAsync(written, waited++, CancellationToken.None);
                        continue;
                    }
                    batch = late;
                }
                waited = 0;
                var final = batch.Final;
                if (!await inbox.WriteAsync(port, batch))
                {
                    // Sealed: the node is moving. The batch stays in the ring for the next activation.
                    batch.Release();
                    return;
                }
                ring.CommitRead();
                if (final)
                {
                    // The edge has ended: its ring is of no more use.
                    ring.Delete();
                    return;
                }
            }
        }
        catch (Exception e) when (!_forced.IsCancellationRequested && _life.IsRunning)
        {
            await FailAsync(e);
        }
    }

    /// <summary>The node ends (finished, cancelled, failed): producers stop writing, and the rings' files go.</summary>
    private void CloseShmInputs()
    {
        foreach (var input in _shmInputs)
        {
            input.Ring.ConsumerClosed = true;
            input.Ring.Delete();
        }
    }

    /// <summary>Unmaps the rings once nothing reads them any more (the readers stop with the inbox).</summary>
    private void DisposeShmInputsWhenRead()
    {
        foreach (var input in _shmInputs)
        {
            if (input.Reading.IsCompleted) input.Ring.Dispose();
            else input.Reading.ContinueWith(static (_, r) => ((ShmRing)r!).Dispose(), input.Ring, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }
}
