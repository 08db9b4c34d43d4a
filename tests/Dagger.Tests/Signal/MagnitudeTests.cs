using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

public sealed class MagnitudeTests
{
    [Fact]
    public void Magnitude_turns_complex_samples_into_their_absolute_values()
    {
        var magnitude = OperatorHarness.Create<TransformOperator>("magnitude", "{}");

        var output = OperatorHarness.Transform(magnitude, [OperatorHarness.ComplexBatch([3, 4, 0, -2, -1, 0], [0, 0, 5, 12, 1, 1])]);

        Assert.Equal(ElementKind.Vector, output.Single().Kind);
        var elements = OperatorHarness.Elements(output);
        Assert.Equal([5f, 2f, 1f], elements[0]);
        Assert.Equal([0f, 13f, MathF.Sqrt(2)], elements[1]);
        OperatorHarness.ReleaseAll(output);
    }

    [Fact]
    public void Magnitude_refuses_real_input_naming_the_node()
    {
        var magnitude = OperatorHarness.Create<TransformOperator>("magnitude", "{}");

        var error = Assert.Throws<InvalidOperationException>(() => OperatorHarness.Transform(magnitude, [OperatorHarness.VectorBatch([1f, 2f])]));
        Assert.Contains("'magnitude'", error.Message);
        Assert.Contains("real vector", error.Message);
    }
}
