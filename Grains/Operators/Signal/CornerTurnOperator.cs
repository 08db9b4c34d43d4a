using System.Runtime.InteropServices;
using System.Text.Json;
using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Gpu;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// The HPEC corner turn: every <c>rows</c> consecutive elements (vectors of C entries, real or complex) are one
/// rows × C matrix, emitted as its transpose, C elements of <c>rows</c> entries: out[c][r] = in[r][c]. Matrices are
/// counted along the stream, so batch boundaries do not matter; a matrix cut short by the end of the stream emits nothing.
/// </summary>
[AllocationBudget(BytesPerBatch = 320, Device = "gpu", Reason = "ILGPU's CPU accelerator (measured here, no GPU) allocates a task object per kernel launch: one launch per matrix, about 300 B, allowed once per batch (a batch that completes several matrices allocates more)")]
[Operator("corner_turn", Summary = "transpose of each rows x cols matrix (rows consecutive vectors of cols entries): cols vectors of rows entries")]
public sealed class CornerTurnOperator : TransformOperator, IDisposable
{
    private string? _what;
    private float[] _matrix = [];
    private int _received;
    private int _width;
    private ElementKind _kind;
    private CornerTurnKernel? _kernel;

    [Arg("rows", Required = true, Minimum = 1, Maximum = 1 << 20, Description = "R, the elements (matrix rows) that make one matrix")]
    public int Rows { get; set; }

    [Arg("cols", Minimum = 1, Maximum = 1 << 24, Description = "C, the entries per element (matrix columns); when given, other widths are an error")]
    public int? Cols { get; set; }

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        var what = _what ??= $"corner_turn (node '{NodeId}')";
        SignalInput.RequireVector(input, "corner_turn", NodeId);
        if (Cols is { } cols && input.Width != cols)
            throw new InvalidOperationException($"{what}: elements have {input.Width} entries, but cols = {cols}");
        var components = input.Kind == ElementKind.Complex ? 2 : 1;
        var rowFloats = input.Width * components;
        var gpu = ProcessAccelerator.Wanted(Device);
        var i = 0;
        while (i < input.Count)
        {
            if (_received == 0)
            {
                _kind = input.Kind;
                _width = input.Width;
                if (!gpu && input.Count - i >= Rows)
                {
                    // A whole matrix inside this batch: turned straight from the batch, no copy on the way in.
                    Emit(output, input.Float32s.Slice(i * rowFloats, Rows * rowFloats), components);
                    i += Rows;
                    continue;
                }
            }
            else if (input.Width != _width || input.Kind != _kind)
            {
                throw new InvalidOperationException($"{what}: row {_received} of a matrix is a {SignalInput.Describe(input.Kind)} of {input.Width} entries, the rows before it {SignalInput.Describe(_kind)}s of {_width}");
            }
            var matrix = Matrix(gpu, Rows * rowFloats);
            input.Float32s.Slice(i * rowFloats, rowFloats).CopyTo(matrix[(_received * rowFloats)..]);
            i++;
            if (++_received < Rows) continue;
            if (gpu) EmitFromKernel(output, components);
            else Emit(output, matrix, components);
            _received = 0;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Where the rows of the current matrix collect: the kernel's page-locked upload buffer on the accelerator path.</summary>
    private Span<float> Matrix(bool gpu, int floats)
    {
        if (gpu) return (_kernel ??= new CornerTurnKernel(ProcessAccelerator.Shared)).Staging(floats);
        if (_matrix.Length < floats) _matrix = new float[floats];
        return _matrix.AsSpan(0, floats);
    }

    private void Emit(OutputBuffer output, ReadOnlySpan<float> matrix, int components)
    {
        for (var c = 0; c < _width; c++) CornerTurn.Column(matrix, Rows, _width, components, c, Next(output));
    }

    private void EmitFromKernel(OutputBuffer output, int components)
    {
        var turned = _kernel!.Run(Rows, _width, components);
        var rowFloats = Rows * components;
        for (var c = 0; c < _width; c++) turned.Slice(c * rowFloats, rowFloats).CopyTo(Next(output));
    }

    private Span<float> Next(OutputBuffer output) => _kind == ElementKind.Complex ? output.NextComplex(Rows) : output.NextVector(Rows);

    /// <summary>The rows of a matrix received so far, so a node moved mid-matrix completes it where it lands.</summary>
    public override void SaveState(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("received", _received);
        if (_received > 0)
        {
            var components = _kind == ElementKind.Complex ? 2 : 1;
            writer.WriteString("kind", _kind.ToString());
            writer.WriteNumber("width", _width);
            writer.WriteBase64String("rows", MemoryMarshal.AsBytes(Matrix(ProcessAccelerator.Wanted(Device), Rows * _width * components)[..(_received * _width * components)]));
        }
        writer.WriteEndObject();
    }

    public override void RestoreState(JsonElement state)
    {
        _received = state.GetProperty("received").GetInt32();
        if (_received == 0) return;
        _kind = Enum.Parse<ElementKind>(state.GetProperty("kind").GetString()!);
        _width = state.GetProperty("width").GetInt32();
        var components = _kind == ElementKind.Complex ? 2 : 1;
        var rows = MemoryMarshal.Cast<byte, float>(state.GetProperty("rows").GetBytesFromBase64());
        rows.CopyTo(Matrix(ProcessAccelerator.Wanted(Device), Rows * _width * components));
    }

    public void Dispose() => _kernel?.Dispose();
}
