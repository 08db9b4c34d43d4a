using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Core;

[Operator("scale", Summary = "x * factor")]
public sealed class ScaleOperator : ElementwiseOperator
{
    [Arg("factor", Required = true, Description = "the multiplier")] public double Factor { get; set; }

    public override double Apply(double x) => x * Factor;

    protected override void ApplyAll(Span<double> values) => SpanMath.Multiply(values, Factor);

    protected override void ApplyAll(Span<float> values)
    {
        // The product of two floats is exact in a double, so a float multiply rounds it the same way Apply does;
        // that holds only when the factor itself is a float.
        var f = (float)Factor;
        if (f == Factor) SpanMath.Multiply(values, f);
        else base.ApplyAll(values);
    }
}

[Operator("offset", Summary = "x + value")]
public sealed class OffsetOperator : ElementwiseOperator
{
    [Arg("value", Required = true, Description = "the number added")] public double Value { get; set; }

    public override double Apply(double x) => x + Value;

    protected override void ApplyAll(Span<double> values) => SpanMath.Add(values, Value);
}

[Operator("add", Summary = "a[i] + b[i], lockstep; ends when either input ends")]
public sealed class AddOperator : LockstepOperator
{
    public override double Combine(double a, double b) => a + b;
}

[Operator("merge", MinInputs = 1, MaxInputs = int.MaxValue, Summary = "every element of every input, as it arrives")]
public sealed class MergeOperator : TransformOperator
{
    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        output.Forward(input);
        return ValueTask.CompletedTask;
    }
}

[AllocationBudget(232, BytesPerBatch = 208, Reason = "ms > 0: a timer (Task.Delay, ~216 B) per element and the async call's state machine (~192 B) per batch; ms = 0 forwards and allocates nothing")]
[Operator("sleep", Summary = "x, after waiting ms milliseconds (without blocking a thread)")]
public sealed class SleepOperator : TransformOperator
{
    [Arg("ms", Required = true, Minimum = 0, Description = "milliseconds to wait per element")] public double Ms { get; set; }

    public override async ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        if (Ms <= 0)
        {
            output.Forward(input);
            return;
        }
        // Each element leaves as soon as its own wait is over, not when the whole batch is done.
        for (var i = 0; i < input.Count; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Ms), cancellation);
            ElementCopy.WriteOne(input, i, output);
            output.Flush();
        }
    }
}

/// <summary>Copies one element of a batch into an output buffer, keeping its kind.</summary>
internal static class ElementCopy
{
    public static void WriteOne(InputBatch input, int index, OutputBuffer output)
    {
        switch (input.Kind)
        {
            case ElementKind.Int64: output.WriteInt64(input.Int64s[index]); break;
            case ElementKind.Float64: output.WriteFloat64(input.Float64s[index]); break;
            case ElementKind.Float32: output.WriteFloat32(input.Float32s[index]); break;
            case ElementKind.Vector: output.WriteVector(input.Vector(index)); break;
            case ElementKind.Complex: input.ComplexVector(index).CopyTo(output.NextComplex(input.Width)); break;
            case ElementKind.Record: output.WriteRecord(input.Records[index].Clone()); break;
        }
    }
}
