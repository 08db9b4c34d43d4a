using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Tests.Cluster;

/// <summary>Throws once it sees an element at or above <see cref="At"/>: an operator that fails mid-stream.</summary>
[Operator("explode")]
public sealed class ExplodeOperator : TransformOperator
{
    [Arg("at", Required = true)] public double At { get; set; }

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        for (var i = 0; i < input.Count; i++)
        {
            if (input.GetDouble(i) >= At) throw new InvalidOperationException($"boom at {input.GetDouble(i)}");
        }
        output.Forward(input);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Writes into its input records in place (label and value): the fan-out isolation probe.</summary>
[Operator("tag")]
public sealed class TagOperator : TransformOperator
{
    [Arg("label", Required = true)] public string Label { get; set; } = "";

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        var batch = input.Writable();
        foreach (var record in batch.RecordSpan)
        {
            record.Label = Label;
            record.Value += 1000;
        }
        output.Forward(batch);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Emits <see cref="Count"/> numbers at once, then stays quiet until cancelled, without ending its stream.</summary>
[Operator("burst")]
public sealed class BurstOperator : SourceOperator
{
    private bool _done;

    [Arg("count", Required = true)] public long Count { get; set; }

    public override async ValueTask<bool> ProduceAsync(OutputBuffer output, CancellationToken cancellation)
    {
        if (_done)
        {
            await Task.Delay(Timeout.Infinite, cancellation);
            return false;
        }
        for (var i = 0; i < Count; i++) output.WriteInt64(i);
        output.Flush();
        _done = true;
        return true;
    }
}
