using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Tests.Alloc;

/// <summary>A transform that allocates a one-number array per element (32 B): what the budget checks must catch.</summary>
[Operator("alloc_test_garbage", Summary = "test only: passes each number on through a fresh array")]
public sealed class GarbagePerElementOperator : TransformOperator
{
    // Kept in a field so the array escapes: the JIT may put an array that never leaves the method on the stack.
    private double[] _last = [];

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        for (var i = 0; i < input.Count; i++)
        {
            _last = [input.GetDouble(i)];
            output.WriteFloat64(_last[0]);
        }
        return ValueTask.CompletedTask;
    }
}
