using System.Buffers;
using System.Text.Json;

namespace Dagger.Orleans.Operators;

/// <summary>
/// A sink's result written to <c>DIR/NODE.json</c> instead of travelling in the run's status (<c>dagger run
/// --results-dir DIR</c> on the embedded silo): a result as large as the disk allows, flushed as it grows, so neither
/// the silo nor the client holds it. The status then carries <c>{"file": PATH, "bytes": N}</c> for the sink.
/// </summary>
internal sealed class ResultFile : ResultTarget
{
    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _writer;

    private ResultFile(string path)
    {
        Path = path;
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16);
        _writer = new Utf8JsonWriter(_stream);
    }

    public string Path { get; }

    public override Utf8JsonWriter Writer => _writer;

    /// <summary>Node ids are <c>[A-Za-z0-9_.-]{1,64}</c>: a file name in <paramref name="directory"/>, never a path out of it.</summary>
    public static ResultFile Create(string directory, string nodeId) => new(System.IO.Path.Combine(directory, nodeId + ".json"));

    /// <summary>Closes the file; the sink's entry in the status names it.</summary>
    public override ValueTask<SinkResult> CompleteAsync()
    {
        _writer.Flush();
        _writer.Dispose();
        var bytes = _stream.Length;
        _stream.Dispose();
        return ValueTask.FromResult(new SinkResult(Entry(Path, bytes), null));
    }

    /// <summary><c>{"file": PATH, "bytes": N}</c>: what the result document holds for a result written to a file.</summary>
    public static string Entry(string path, long bytes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("file", path);
            json.WriteNumber("bytes", bytes);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public override void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }
}
