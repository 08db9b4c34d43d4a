using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// The inputs of a lockstep node (element i of each input makes element i of the output): the batch it is working
/// through on each port and how far. Whoever drives it feeds a port when <see cref="NeededPort"/> asks for one, then
/// <see cref="CombineInto"/> combines what both have. Holds its batches until they are used up or released.
/// </summary>
internal sealed class LockstepJoin(LockstepOperator op, int ports)
{
    private readonly Batch?[] _current = new Batch?[ports];
    private readonly int[] _offset = new int[ports];

    /// <summary>Starts from the unread rest of each port's batch, carried over by a migration.</summary>
    public void Resume(Batch?[] carry)
    {
        for (var p = 0; p < carry.Length && p < _current.Length; p++)
        {
            _current[p] = carry[p];
            _offset[p] = 0;
        }
    }

    /// <summary>The first port whose batch is used up (released now) and needs the next one; null when every port has elements.</summary>
    public int? NeededPort()
    {
        for (var p = 0; p < _current.Length; p++)
        {
            var held = _current[p];
            if (held is not null && _offset[p] < held.Count) continue;
            held?.Release();
            _current[p] = null;
            return p;
        }
        return null;
    }

    /// <summary>The next batch of <paramref name="port"/>; the join holds it from now on.</summary>
    public void Offer(int port, Batch batch)
    {
        _current[port] = batch;
        _offset[port] = 0;
    }

    /// <summary>Combines as many elements as both inputs have; flushes the output when an input batch is used up. How many it combined.</summary>
    public int CombineInto(OutputBuffer output)
    {
        var a = _current[0]!;
        var b = _current[1]!;
        var n = Math.Min(a.Count - _offset[0], b.Count - _offset[1]);
        for (var i = 0; i < n; i++) output.WriteFloat64(op.Combine(a.GetDouble(_offset[0] + i), b.GetDouble(_offset[1] + i)));
        _offset[0] += n;
        _offset[1] += n;
        if (_offset[0] >= a.Count || _offset[1] >= b.Count) output.Flush();
        return n;
    }

    /// <summary>The unread rest of each half-used batch, as private copies (for a migration; the originals stay the join's).</summary>
    public Batch?[] CarryRest()
    {
        var carry = new Batch?[_current.Length];
        for (var p = 0; p < _current.Length; p++)
        {
            if (_current[p] is { } b && _offset[p] < b.Count) carry[p] = b.CopyFrom(_offset[p]);
        }
        return carry;
    }

    /// <summary>Gives back every batch it holds.</summary>
    public void ReleaseAll()
    {
        for (var p = 0; p < _current.Length; p++)
        {
            _current[p]?.Release();
            _current[p] = null;
        }
    }
}
