using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Tests.Lifecycle;

/// <summary>A transform that ignores its cancellation token: it passes each element on after a blocking-free wait it never cuts short.</summary>
[Operator("stubborn")]
public sealed class StubbornOperator : TransformOperator
{
    public override async ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        for (var i = 0; i < input.Count; i++)
        {
            await Task.Delay(5, CancellationToken.None);
            output.WriteFloat64(input.GetDouble(i));
        }
    }
}
