using System.Text.Json;
using Dagger.Orleans.Client;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Cli;

/// <summary>
/// <c>dagger run --results-dir DIR</c>: each sink's result in <c>DIR/NODE.json</c>, and <c>{"file": PATH, "bytes": N}</c>
/// in its place in the result document. The embedded silo writes the files itself; for a cluster run the client
/// writes them, copying stored results chunk by chunk from the cluster's result store.
/// </summary>
internal static class ResultFiles
{
    /// <summary>Creates the directory (null: nothing asked); false, with the reason on stderr, when it cannot be.</summary>
    public static async Task<bool> TryCreateDirectoryAsync(string? directory)
    {
        if (directory is null) return true;
        try
        {
            Directory.CreateDirectory(directory);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"dagger: --results-dir '{directory}': {e.Message}");
            return false;
        }
    }

    /// <summary>Writes every result of <paramref name="status"/> to its file; answers the status with the files in place of the results.</summary>
    public static async Task<DagStatus> WriteAsync(DagRun run, DagStatus status, string directory)
    {
        directory = Path.GetFullPath(directory);
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (sink, json) in status.Results)
        {
            var path = PathOf(directory, sink);
            await File.WriteAllTextAsync(path, json);
            entries[sink] = Entry(path, new FileInfo(path).Length);
        }
        foreach (var (sink, stored) in status.StoredResults)
        {
            if (entries.ContainsKey(sink)) continue;
            var path = PathOf(directory, sink);
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16))
            {
                await run.CopyResultToAsync(stored, file);
            }
            entries[sink] = Entry(path, stored.Bytes);
        }
        return status with { Results = entries, StoredResults = new Dictionary<string, ResultDescriptor>() };
    }

    /// <summary>Node ids are <c>[A-Za-z0-9_.-]{1,64}</c>: a file name in <paramref name="directory"/>, never a path out of it.</summary>
    private static string PathOf(string directory, string nodeId) => Path.Combine(directory, nodeId + ".json");

    /// <summary>What the embedded silo puts in the document for a result in a file (ResultFile.Entry): the same shape.</summary>
    private static string Entry(string path, long bytes)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("file", path);
            json.WriteNumber("bytes", bytes);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
