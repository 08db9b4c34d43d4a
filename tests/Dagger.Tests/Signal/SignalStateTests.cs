using System.Text.Json;
using Dagger.Orleans.Operators;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>Operators carrying history across elements hand it over through SaveState/RestoreState (live migration).</summary>
public sealed class SignalStateTests
{
    [Theory]
    [InlineData("fm_demod", "{}")]
    [InlineData("decimate", """{"factor":3}""")]
    public void A_restored_copy_goes_on_exactly_where_the_original_stopped(string op, string args)
    {
        var data = SignalData.RandomComplex(14, seed: 3);
        var first = OperatorHarness.ComplexBatch(data[..14]);
        var original = OperatorHarness.Create<TransformOperator>(op, args);
        OperatorHarness.ReleaseAll(OperatorHarness.Transform(original, [first]));

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) original.SaveState(writer);
        var restored = OperatorHarness.Create<TransformOperator>(op, args);
        restored.RestoreState(JsonDocument.Parse(buffer.WrittenMemory).RootElement);

        var expected = OperatorHarness.Elements(OperatorHarness.Transform(original, [OperatorHarness.ComplexBatch(data[14..])]));
        var actual = OperatorHarness.Elements(OperatorHarness.Transform(restored, [OperatorHarness.ComplexBatch(data[14..])]));
        Assert.Equal(expected, actual);
    }
}
