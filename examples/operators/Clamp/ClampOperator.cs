using Dagger.Orleans.Operators;

namespace Dagger.Examples.Clamp;

/// <summary>Limits every number to [min, max]. Works on every numeric element type, in place, allocating nothing.</summary>
[Operator("clamp", Summary = "min(max(x, min), max)")]
public sealed class ClampOperator : ElementwiseOperator
{
    [Arg("min", Required = true, Description = "lower bound")] public double Min { get; set; }

    [Arg("max", Required = true, Description = "upper bound")] public double Max { get; set; }

    public override double Apply(double x) => Math.Clamp(x, Min, Max);
}
