using System.Text.Json;
using Dagger.Orleans.Gpu;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Signal;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

/// <summary>
/// The HPEC Challenge corner turn (transpose of a rows × columns float32 matrix) on its data sets, 50 × 5000 and
/// 750 × 5000: exact on both paths (a transpose only moves values), also for complex entries and for matrices that
/// straddle batches.
/// </summary>
public sealed class CornerTurnTests
{
    public static TheoryData<int, int> Sets => new()
    {
        { 50, 5000 },  // set 1
        { 750, 5000 }, // set 2
    };

    [Theory]
    [MemberData(nameof(Sets))]
    public void The_cpu_reference_transposes_the_hpec_matrices_exactly(int rows, int columns)
    {
        var matrix = Matrix(rows, columns, components: 1);
        var turned = new float[matrix.Length];

        CornerTurn.Transpose(matrix, turned, rows, columns, components: 1);

        AssertTransposed(matrix, turned, rows, columns, components: 1);
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void The_ilgpu_kernel_on_the_cpu_accelerator_transposes_the_hpec_matrices_exactly(int rows, int columns)
    {
        var matrix = Matrix(rows, columns, components: 1);
        using var kernel = new CornerTurnKernel(SignalData.CpuAccelerator);

        var turned = kernel.Run(matrix, rows, columns, components: 1).ToArray();

        AssertTransposed(matrix, turned, rows, columns, components: 1);
    }

    [Fact]
    public void The_kernel_transposes_complex_entries_as_pairs()
    {
        const int rows = 30, columns = 333;
        var matrix = Matrix(rows, columns, components: 2);
        using var kernel = new CornerTurnKernel(SignalData.CpuAccelerator);

        var turned = kernel.Run(matrix, rows, columns, components: 2).ToArray();

        AssertTransposed(matrix, turned, rows, columns, components: 2);
    }

    [Theory]
    [InlineData("cpu", ElementKind.Vector)]
    [InlineData("gpu", ElementKind.Vector)]
    [InlineData("cpu", ElementKind.Complex)]
    [InlineData("gpu", ElementKind.Complex)]
    public void The_operator_turns_each_matrix_whatever_the_batch_boundaries(string device, ElementKind kind)
    {
        // Three 5 × 7 matrices and two rows of a fourth, in batches of 4, 11 and 2 elements (one holds whole matrices).
        const int rows = 5, columns = 7;
        var components = kind == ElementKind.Complex ? 2 : 1;
        var data = Matrix(3 * rows + 2, columns, components);
        var turn = OperatorHarness.Create<TransformOperator>("corner_turn", """{"rows":5,"cols":7}""", device);

        var output = OperatorHarness.Transform(turn, [Slice(data, kind, columns, 0, 4), Slice(data, kind, columns, 4, 11), Slice(data, kind, columns, 15, 2)]);

        var elements = OperatorHarness.Elements(output);
        Assert.All(output, b => Assert.Equal(kind, b.Kind));
        Assert.Equal(3 * columns, elements.Count);
        for (var m = 0; m < 3; m++)
        {
            var matrix = data.AsSpan(m * rows * columns * components, rows * columns * components);
            var turned = elements.Skip(m * columns).Take(columns).SelectMany(e => e).ToArray();
            AssertTransposed(matrix, turned, rows, columns, components);
        }
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void A_node_moved_mid_matrix_completes_it_where_it_lands(string device)
    {
        const int rows = 4, columns = 6;
        var data = Matrix(rows, columns, components: 1);
        var before = OperatorHarness.Create<TransformOperator>("corner_turn", """{"rows":4}""", device);
        Assert.Empty(OperatorHarness.Transform(before, [Slice(data, ElementKind.Vector, columns, 0, 3)]));
        var state = Save(before);

        var after = OperatorHarness.Create<TransformOperator>("corner_turn", """{"rows":4}""", device);
        after.RestoreState(state);
        var elements = OperatorHarness.Elements(OperatorHarness.Transform(after, [Slice(data, ElementKind.Vector, columns, 3, 1)]));

        AssertTransposed(data, elements.SelectMany(e => e).ToArray(), rows, columns, components: 1);
    }

    [Fact]
    public void Elements_of_another_width_than_cols_are_an_error_naming_the_node()
    {
        var turn = OperatorHarness.Create<TransformOperator>("corner_turn", """{"rows":2,"cols":8}""");

        var error = Assert.Throws<InvalidOperationException>(() => OperatorHarness.Transform(turn, [OperatorHarness.VectorBatch(new float[5])]));

        Assert.Contains("corner_turn (node 'corner_turn')", error.Message);
        Assert.Contains("5 entries, but cols = 8", error.Message);
    }

    private static float[] Matrix(int rows, int columns, int components)
    {
        // Distinct values, so any misplaced entry shows.
        var matrix = new float[rows * columns * components];
        for (var i = 0; i < matrix.Length; i++) matrix[i] = i;
        return matrix;
    }

    private static Batch Slice(float[] data, ElementKind kind, int columns, int first, int count)
    {
        var floats = columns * (kind == ElementKind.Complex ? 2 : 1);
        var batch = Batch.Rent(kind, count, columns);
        batch.Count = count;
        data.AsSpan(first * floats, count * floats).CopyTo(batch.Float32s);
        return batch;
    }

    private static JsonElement Save(DaggerOperator op)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) op.SaveState(writer);
        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }

    private static void AssertTransposed(ReadOnlySpan<float> matrix, ReadOnlySpan<float> turned, int rows, int columns, int components)
    {
        Assert.Equal(matrix.Length, turned.Length);
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                for (var k = 0; k < components; k++)
                {
                    var expected = matrix[(r * columns + c) * components + k];
                    var actual = turned[(c * rows + r) * components + k];
                    if (expected != actual) Assert.Fail($"entry ({r}, {c}) part {k}: expected {expected} at ({c}, {r}) of the transpose, found {actual}");
                }
            }
        }
    }
}
