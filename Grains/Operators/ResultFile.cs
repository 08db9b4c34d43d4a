using System.Buffers;
using System.Text.Json;

namespace Dagger.Orleans.Operators;

/// <summary>
/// A sink's result written to <c>DIR/NODE.json</c> instead of travelling in the run's status (<c>dagger run
/// --results-dir DIR</c>): a result as large as the disk allows, flushed as it grows, so neither the silo nor the
/// client holds it. The status then carries <c>{"file": PATH, "bytes": N}</c> for the sink.
/// </summary>
internal sealed class ResultFile : IDisposable
{
    private readonly FileStream _stream;

    private ResultFile(string path)
    {
        Path = path;
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16);
        Writer = new Utf8JsonWriter(_stream);
    }

    public string Path { get; }

    public Utf8JsonWriter Writer { get; }

    /// <summary>Node ids are <c>[A-Za-z0-9_.-]{1,64}</c>: a file name in <paramref name="directory"/>, never a path out of it.</summary>
    public static ResultFile Create(string directory, string nodeId) => new(System.IO.Path.Combine(directory, nodeId + ".json"));

    /// <summary>Hands what the writer holds to the file, so a streamed result takes no memory between batches.</summary>
    public void Flush() => Writer.Flush();

    /// <summary>Closes the file; the sink's entry in the status, as JSON.</summary>
    public string Close()
    {
        Writer.Flush();
        Writer.Dispose();
        var bytes = _stream.Length;
        _stream.Dispose();
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("file", Path);
            json.WriteNumber("bytes", bytes);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public void Dispose()
    {
        Writer.Dispose();
        _stream.Dispose();
    }
}
