namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// The CPU reference of <c>corner_turn</c> (HPEC corner turn): the transpose of a rows × columns matrix stored row
/// after row, out[c][r] = in[r][c]. An entry is <c>components</c> floats: 1 for real float32, 2 for complex (re, im).
/// </summary>
public static class CornerTurn
{
    /// <summary>Column <paramref name="column"/> of <paramref name="matrix"/> (rows × columns entries) into <paramref name="target"/> (rows entries).</summary>
    public static void Column(ReadOnlySpan<float> matrix, int rows, int columns, int components, int column, Span<float> target)
    {
        if (components == 1)
        {
            for (var r = 0; r < rows; r++) target[r] = matrix[r * columns + column];
            return;
        }
        for (var r = 0; r < rows; r++)
        {
            var from = 2 * (r * columns + column);
            target[2 * r] = matrix[from];
            target[2 * r + 1] = matrix[from + 1];
        }
    }

    /// <summary>The whole transpose: <paramref name="target"/> holds columns × rows entries, column c of the input as row c.</summary>
    public static void Transpose(ReadOnlySpan<float> matrix, Span<float> target, int rows, int columns, int components)
    {
        var entries = rows * components;
        for (var c = 0; c < columns; c++) Column(matrix, rows, columns, components, c, target.Slice(c * entries, entries));
    }
}
