using System.Text.Json;
using System.Buffers;
using System.Runtime.InteropServices;
using Dagger.Orleans.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>
/// Reads complex baseband samples from a file: <c>cf32</c> (interleaved little-endian float32 re, im — the .cfile /
/// SigMF cf32_le layout) or <c>cu8</c> (unsigned 8-bit I, Q as RTL-SDR writes them, value (b − 127.5) / 127.5).
/// Each element is <c>width</c> complex samples; the last element of a pass holds what is left (a shorter vector, in
/// a batch of its own). With <c>rate</c> the samples are paced as a live receiver delivers them: an element goes out,
/// in a batch of its own, once the time its last sample would have arrived has come (counted from the first element).
/// </summary>
[AllocationBudget(BytesPerBatch = 256, Reason = "with rate: one Task.Delay timer (about 200 B) per element that is ahead of its time; without rate nothing")]
[Operator("iq_file", Summary = "complex vectors of width samples read from a cf32 or cu8 file, optionally paced at rate samples/s")]
public sealed class IqFileOperator : SourceOperator, ISampleClock
{
    private long _startTimestamp;
    private long _emitted;
    private SafeFileHandle? _file;
    private byte[]? _staging;
    private long _firstSample;
    private long _samplesPerPass;
    private long _position;
    private long _pass;
    private int _bytesPerSample;

    [Arg("path", Required = true, IsFile = true, Description = "the file; on a cluster it must lie under the silos' Dagger:Files:Roots (a relative path resolves against the first root); embedded, a relative path resolves against the current directory")]
    public string Path { get; set; } = "";

    [Arg("format", Allowed = ["cf32", "cu8"], Description = "cf32 (default): float32 re, im little-endian; cu8: unsigned bytes I, Q")]
    public string Format { get; set; } = "cf32";

    [Arg("width", Minimum = 1, Maximum = 1 << 24, Description = "complex samples per element (default 4096)")]
    public int Width { get; set; } = 4096;

    [Arg("offset", Minimum = 0, Description = "first sample to read (default 0)")]
    public long Offset { get; set; }

    [Arg("count", Minimum = 0, Description = "samples to read; absent: to the end of the file")]
    public long? Count { get; set; }

    [Arg("repeat", Minimum = 1, Description = "how many times to read the selected samples, one pass after the other (default 1)")]
    public long Repeat { get; set; } = 1;

    [Arg("rate", Minimum = 1, Description = "samples per second: deliver them at this pace, as a live receiver would (absent: as fast as the DAG takes them)")]
    public double? Rate { get; set; }

    public double? SampleRate => Rate;

    public long SamplesEmitted => _emitted;

    public override ValueTask<bool> ProduceAsync(OutputBuffer output, CancellationToken cancellation)
    {
        _file ??= Open();
        if (Rate is { } rate) return ProducePacedAsync(output, rate, cancellation);
        // As many elements as make one full batch (vector batches stop at 1 MiB), so each call sends about one batch.
        var elements = Math.Clamp(OutputBuffer.MaxVectorBatchBytes / (8 * Width), 1, BatchSize);
        for (var e = 0; e < elements && _pass < Repeat; e++)
        {
            cancellation.ThrowIfCancellationRequested();
            var left = _samplesPerPass - _position;
            if (left <= 0)
            {
                _pass++;
                _position = 0;
                continue;
            }
            var n = (int)Math.Min(Width, left);
            ReadInto(output.NextComplex(n), _firstSample + _position, n);
            _position += n;
            _emitted += n;
            if (_position == _samplesPerPass)
            {
                // The short tail of a pass goes out as its own batch; so does the end of every pass, to keep passes apart.
                output.Flush();
                _pass++;
                _position = 0;
            }
        }
        if (_pass < Repeat && _samplesPerPass > 0) return ValueTask.FromResult(true);
        Close();
        return ValueTask.FromResult(false);
    }

    /// <summary>One element per call, sent when a receiver at <paramref name="rate"/> would have delivered its last sample.</summary>
    private async ValueTask<bool> ProducePacedAsync(OutputBuffer output, double rate, CancellationToken cancellation)
    {
        while (_pass < Repeat && _samplesPerPass > 0 && _position >= _samplesPerPass)
        {
            _pass++;
            _position = 0;
        }
        if (_pass >= Repeat || _samplesPerPass == 0)
        {
            Close();
            return false;
        }
        if (_startTimestamp == 0) _startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        var n = (int)Math.Min(Width, _samplesPerPass - _position);
        var due = TimeSpan.FromSeconds((_emitted + n) / rate) - System.Diagnostics.Stopwatch.GetElapsedTime(_startTimestamp);
        // Behind schedule (a slow consumer) the element goes at once: a receiver's samples would be waiting already.
        if (due > TimeSpan.Zero) await Task.Delay(due, cancellation);
        ReadInto(output.NextComplex(n), _firstSample + _position, n);
        _position += n;
        _emitted += n;
        output.Flush();
        return true;
    }

    private void ReadInto(Span<float> samples, long firstSample, int n)
    {
        var file = _file!;
        if (_bytesPerSample == 8)
        {
            // cf32 on a little-endian machine is the element's own layout: read straight into the batch.
            ReadExactly(file, MemoryMarshal.AsBytes(samples), firstSample * 8);
            return;
        }
        var bytes = _staging.AsSpan(0, 2 * n);
        ReadExactly(file, bytes, firstSample * 2);
        for (var i = 0; i < bytes.Length; i++) samples[i] = (bytes[i] - 127.5f) / 127.5f;
    }

    private void ReadExactly(SafeFileHandle file, Span<byte> into, long fileOffset)
    {
        while (into.Length > 0)
        {
            var read = RandomAccess.Read(file, into, fileOffset);
            if (read == 0) throw new EndOfStreamException($"iq_file '{FullPath}': the file got shorter while node '{NodeId}' was reading it");
            into = into[read..];
            fileOffset += read;
        }
    }

    private string FullPath => System.IO.Path.GetFullPath(Path);

    private SafeFileHandle Open()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("iq_file reads little-endian samples on a little-endian machine only");
        var path = FullPath;
        if (!File.Exists(path)) throw new FileNotFoundException($"iq_file (node '{NodeId}'): no file '{path}'", path);
        _bytesPerSample = Format == "cu8" ? 2 : 8;
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            var length = RandomAccess.GetLength(file);
            if (length % _bytesPerSample != 0)
                throw new InvalidDataException($"iq_file (node '{NodeId}'): '{path}' is truncated: {length} bytes is not a whole number of {Format} samples ({_bytesPerSample} bytes each)");
            var total = length / _bytesPerSample;
            if (Offset > total)
                throw new ArgumentOutOfRangeException(nameof(Offset), $"iq_file (node '{NodeId}'): offset {Offset} is beyond the end of '{path}', which holds {total} samples");
            if (Count is { } count && Offset + count > total)
                throw new ArgumentOutOfRangeException(nameof(Count), $"iq_file (node '{NodeId}'): offset {Offset} + count {count} is beyond the end of '{path}', which holds {total} samples");
            _firstSample = Offset;
            _samplesPerPass = Count ?? total - Offset;
            if (_bytesPerSample == 2) _staging = ArrayPool<byte>.Shared.Rent(2 * Width);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private void Close()
    {
        _file?.Dispose();
        if (_staging is not null) ArrayPool<byte>.Shared.Return(_staging);
        _staging = null;
    }

    /// <summary>The read position; the file is opened again (and checked again) where the node lands.</summary>
    public override void SaveState(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("pass", _pass);
        writer.WriteNumber("position", _position);
        writer.WriteEndObject();
    }

    public override void RestoreState(JsonElement state)
    {
        _pass = state.GetProperty("pass").GetInt64();
        _position = state.GetProperty("position").GetInt64();
    }
}
