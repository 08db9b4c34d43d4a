using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dagger.Orleans.Client;

/// <summary>
/// What <c>--cluster FILE</c> names: how a client finds a running cluster.
/// <code>{ "clusterId": "dev", "serviceId": "dagger", "gateways": ["127.0.0.1:30000"] }</code>
/// </summary>
public sealed record ClusterFile
{
    [JsonPropertyName("clusterId")] public string ClusterId { get; init; } = "dev";
    [JsonPropertyName("serviceId")] public string ServiceId { get; init; } = "dagger";
    [JsonPropertyName("gateways")] public IReadOnlyList<string> Gateways { get; init; } = ["127.0.0.1:30000"];

    public static ClusterFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new ClusterFileException($"cannot read cluster file '{path}': {e.Message}");
        }
        ClusterFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ClusterFile>(text, new JsonSerializerOptions { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw new ClusterFileException($"cluster file '{path}': {e.Message}");
        }
        if (file is null) throw new ClusterFileException($"cluster file '{path}': empty");
        foreach (var g in file.Gateways)
        {
            if (!IPEndPoint.TryParse(g, out var ep) || ep.Port == 0)
                throw new ClusterFileException($"cluster file '{path}': gateway '{g}' is not an address:port such as 127.0.0.1:30000");
        }
        if (file.Gateways.Count == 0) throw new ClusterFileException($"cluster file '{path}': 'gateways' lists no gateway");
        return file;
    }
}

public sealed class ClusterFileException(string message) : Exception(message);
