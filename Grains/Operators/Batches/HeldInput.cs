using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators;

/// <summary>
/// The one batch a node is handing to its operator, for the length of that one call. The operator sees it through
/// <see cref="InputBatch"/> views stamped with the call's number; once the call returns, the node releases the batch
/// and moves to the next number, so a view kept past its call throws instead of reading a buffer that the pool may
/// already have lent to someone else.
/// </summary>
/// <remarks>
/// Copy-on-write lives here: <see cref="Own"/> gives the operator the batch itself when the node holds it alone, or
/// swaps in a private copy (and lets go of the shared one) when a sibling or a stream cache holds it too. The node
/// then releases whichever it holds at the end.
/// </remarks>
internal sealed class HeldInput
{
    private Batch? _batch;
    private int _call;

    /// <summary>Takes <paramref name="batch"/> (the node's, to release) for one operator call.</summary>
    public InputBatch Hold(Batch batch)
    {
        if (_batch is not null) throw new InvalidOperationException("an operator call began while the previous one still held its input");
        _batch = batch;
        return new InputBatch(this, ++_call);
    }

    /// <summary>Ends the call: releases what it held (the input or its private copy) and retires its views.</summary>
    public void Release()
    {
        var batch = _batch;
        _batch = null;
        _call++;
        batch?.Release();
    }

    public bool IsCurrent(int call) => call == _call && _batch is not null;

    public Batch Get(int call) => IsCurrent(call) ? _batch! : throw UsedAfterCall();

    /// <summary>The batch to write in place: the held one when no one else holds it, else a private copy that replaces it.</summary>
    public Batch Own(int call)
    {
        var batch = Get(call);
        if (batch.IsExclusive) return batch;
        var copy = batch.CloneExclusive();
        batch.Release();
        return _batch = copy;
    }

    private static InvalidOperationException UsedAfterCall() => new(
        "an input batch was used after the operator call it was handed to had returned; " +
        "write what you keep to the output or copy it into your own buffer during the call");
}
