using System.Globalization;
using System.Text.Json;
using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Gpu;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// HPEC cell-averaging CFAR along each real vector (see <see cref="CfarDetector"/>), emitting one record per
/// detection. Without <c>doppler_bins</c>: Key = element·L + cell, Label "element=e,r=cell". With D = <c>doppler_bins</c>
/// (the input is <c>doppler</c>'s output: D vectors per CPI, vector k = Doppler bin k): Key = range·D + doppler,
/// Label "cpi=c,r=range,d=doppler". Value is the cell's input value.
/// </summary>
[AllocationBudget(BytesPerOutputRecord = 176, Reason = "a record (40 B) and its label string (56-64 B) per detection; 96-150 B measured per detection")]
[AllocationBudget(BytesPerOutputRecord = 176, BytesPerBatch = 320, Device = "gpu", Reason = "a record (40 B) and its label string per detection; ILGPU's CPU accelerator (measured here, no GPU) allocates a task object per kernel launch, one launch per batch, 296 B")]
[Operator("cfar", Summary = "cell-averaging CFAR along each real vector (power = x^2); a record per detection")]
public sealed class CfarOperator : TransformOperator, IDisposable
{
    private float[] _ratios = [];
    private long _element;
    private CfarKernel? _kernel;

    [Arg("guard", Required = true, Minimum = 0, Maximum = 1 << 20, Description = "G, guard cells each side of the cell under test")]
    public int Guard { get; set; }

    [Arg("reference", Required = true, Minimum = 1, Maximum = 1 << 20, Description = "Ncfar, reference cells each side beyond the guard cells")]
    public int Reference { get; set; }

    [Arg("mu", Required = true, Minimum = 0, Description = "threshold on P/T, the cell's power over the mean reference power (HPEC uses 100)")]
    public double Mu { get; set; }

    [Arg("doppler_bins", Minimum = 1, Description = "D: the input is a range-Doppler map, D vectors (Doppler bins) per CPI; keys become range*D + doppler")]
    public int? DopplerBins { get; set; }

    public override ValueTask TransformAsync(int port, InputBatch input, OutputBuffer output, CancellationToken cancellation)
    {
        SignalInput.Require(input, ElementKind.Vector, "cfar", NodeId);
        var width = input.Width;
        ReadOnlySpan<float> ratios;
        if (ProcessAccelerator.Wanted(Device))
        {
            _kernel ??= new CfarKernel(ProcessAccelerator.Shared);
            ratios = _kernel.Run(input.Float32s, input.Count, width, Guard, Reference);
        }
        else
        {
            if (_ratios.Length < input.Count * width) _ratios = new float[input.Count * width];
            for (var i = 0; i < input.Count; i++) CfarDetector.Ratios(input.Vector(i), _ratios.AsSpan(i * width, width), Guard, Reference);
            ratios = _ratios;
        }
        for (var i = 0; i < input.Count; i++, _element++)
        {
            var row = ratios.Slice(i * width, width);
            for (var j = 0; j < width; j++)
            {
                if (row[j] > Mu) output.WriteRecord(Detection(j, width, input.Vector(i)[j]));
            }
        }
        return ValueTask.CompletedTask;
    }

    private Record Detection(int cell, int width, float value)
    {
        if (DopplerBins is { } bins)
        {
            var doppler = (int)(_element % bins);
            var cpi = _element / bins;
            return new Record
            {
                Key = (long)cell * bins + doppler,
                Value = value,
                Label = string.Create(CultureInfo.InvariantCulture, $"cpi={cpi},r={cell},d={doppler}"),
            };
        }
        return new Record
        {
            Key = _element * width + cell,
            Value = value,
            Label = string.Create(CultureInfo.InvariantCulture, $"element={_element},r={cell}"),
        };
    }

    public override void SaveState(Utf8JsonWriter writer) => writer.WriteNumberValue(_element);

    public override void RestoreState(JsonElement state) => _element = state.GetInt64();

    public void Dispose() => _kernel?.Dispose();
}
