using System.Runtime.InteropServices;
using Dagger.Orleans.Operators;

namespace Dagger.Orleans.Bench.Hpec;

/// <summary>
/// The source of a benchmark's data set: a file of little-endian float32 values read into memory once, then emitted as
/// vectors (<c>kind</c> vector: <c>width</c> floats each) or complex vectors (<c>width</c> samples, re, im) pass after
/// pass, <c>repeat</c> times. Each element is a copy from memory, so the source costs next to nothing beside the
/// operator it feeds. Registered only where this assembly is loaded (<c>dagger bench</c>).
/// </summary>
[Operator("bench_data", Summary = "a float32 file held in memory, emitted as (complex) vectors repeat times (dagger bench)")]
public sealed class DataSetSourceOperator : SourceOperator
{
    private float[]? _data;
    private int _elementFloats;
    private int _elementsPerPass;
    private int _position;
    private long _pass;

    [Arg("path", Required = true, Description = "the file of little-endian float32 values")]
    public string Path { get; set; } = "";

    [Arg("kind", Allowed = ["complex", "vector"], Description = "complex (default): width samples of re, im; vector: width floats")]
    public string Kind { get; set; } = "complex";

    [Arg("width", Required = true, Minimum = 1, Maximum = 1 << 24, Description = "samples (complex) or floats (vector) per element")]
    public int Width { get; set; }

    [Arg("repeat", Minimum = 1, Description = "passes over the data set (default 1)")]
    public long Repeat { get; set; } = 1;

    public override ValueTask<bool> ProduceAsync(OutputBuffer output, CancellationToken cancellation)
    {
        var data = _data ??= Load();
        var complex = Kind == "complex";
        var perBatch = Math.Clamp(OutputBuffer.MaxVectorBatchBytes / (4 * _elementFloats), 1, BatchSize);
        for (var e = 0; e < perBatch && _pass < Repeat; e++)
        {
            var target = complex ? output.NextComplex(Width) : output.NextVector(Width);
            data.AsSpan(_position * _elementFloats, _elementFloats).CopyTo(target);
            if (++_position < _elementsPerPass) continue;
            _position = 0;
            _pass++;
        }
        return ValueTask.FromResult(_pass < Repeat);
    }

    private float[] Load()
    {
        var full = System.IO.Path.GetFullPath(Path);
        if (!File.Exists(full)) throw new FileNotFoundException($"bench_data (node '{NodeId}'): no file '{full}'", full);
        _elementFloats = Kind == "complex" ? 2 * Width : Width;
        var bytes = File.ReadAllBytes(full);
        if (bytes.Length == 0 || bytes.Length % (4 * _elementFloats) != 0)
            throw new InvalidDataException($"bench_data (node '{NodeId}'): '{full}' holds {bytes.Length} bytes, not a whole number of {Kind} elements of width {Width} ({4 * _elementFloats} bytes each)");
        _elementsPerPass = bytes.Length / (4 * _elementFloats);
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
