using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;

namespace Dagger.Orleans.Client;

/// <summary>
/// What <c>--cluster FILE</c> names: how a client finds a running cluster.
/// <code>{ "clusterId": "dev", "serviceId": "dagger", "gateways": ["127.0.0.1:30000"] }</code>
/// or, for a cluster whose silos keep membership in Azure Tables (Azurite locally), the table's storage connection
/// string instead of <c>gateways</c> (the client then reads the live gateways from the table):
/// <code>{ "clusterId": "local", "serviceId": "dagger", "azureTables": "UseDevelopmentStorage=true" }</code>
/// A cluster that runs mutual TLS adds <c>tls</c> (<see cref="ClusterFileTls"/>) to either form.
/// </summary>
public sealed record ClusterFile
{
    [JsonPropertyName("clusterId")] public string ClusterId { get; init; } = "dev";
    [JsonPropertyName("serviceId")] public string ServiceId { get; init; } = "dagger";
    private readonly IReadOnlyList<string>? _gateways;

    /// <summary>Gateway addresses; without <c>gateways</c> and <c>azureTables</c> in the file, 127.0.0.1:30000.</summary>
    [JsonPropertyName("gateways")]
    public IReadOnlyList<string> Gateways
    {
        get => _gateways ?? (AzureTables is null ? ["127.0.0.1:30000"] : []);
        init => _gateways = value;
    }

    /// <summary>A storage connection string: the cluster's membership table, where the client finds its gateways.</summary>
    [JsonPropertyName("azureTables")] public string? AzureTables { get; init; }

    /// <summary>The client's certificate and the cluster's CA, for a cluster that runs mutual TLS; absent: plain TCP.</summary>
    [JsonPropertyName("tls")] public ClusterFileTls? Tls { get; init; }

    /// <summary>What <see cref="Tls"/> names, read by <see cref="Load"/>.</summary>
    [JsonIgnore] public Connections.Tls.TlsCredentials? TlsCredentials { get; private init; }

    /// <summary>Where the client looks for the cluster, for messages (never the connection string: it holds the account key).</summary>
    [JsonIgnore]
    public string Describe => AzureTables is null ? string.Join(", ", Gateways) : "the gateways in its Azure Tables membership table";

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
        if (file.Tls is not null) file = file with { TlsCredentials = file.Tls.Load(path) };
        if (file.AzureTables is not null)
        {
            if (file._gateways is not null) throw new ClusterFileException($"cluster file '{path}': give either 'gateways' or 'azureTables', not both");
            if (string.IsNullOrWhiteSpace(file.AzureTables))
                throw new ClusterFileException($"cluster file '{path}': 'azureTables' is empty: give a storage connection string, e.g. UseDevelopmentStorage=true for Azurite");
            try
            {
                file.CreateTableServiceClient();
            }
            catch (ClusterFileException e)
            {
                throw new ClusterFileException($"cluster file '{path}': {e.Message}");
            }
            return file;
        }
        foreach (var g in file.Gateways)
        {
            if (!IPEndPoint.TryParse(g, out var ep) || ep.Port == 0)
                throw new ClusterFileException($"cluster file '{path}': gateway '{g}' is not an address:port such as 127.0.0.1:30000");
        }
        if (file.Gateways.Count == 0) throw new ClusterFileException($"cluster file '{path}': 'gateways' lists no gateway");
        return file;
    }

    /// <summary>The membership table's client for the <c>azureTables</c> form; null for <c>gateways</c>.</summary>
    internal TableServiceClient? CreateTableServiceClient()
    {
        if (AzureTables is null) return null;
        try
        {
            return new TableServiceClient(AzureTables);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The connection string holds the account key: say what is wrong with it, never echo it.
            throw new ClusterFileException($"'azureTables' is not a storage connection string ({e.GetType().Name}: {e.Message})");
        }
    }
}

public sealed class ClusterFileException(string message) : Exception(message);

/// <summary>No gateway of the cluster let the client in: down, unreachable, another cluster, or a certificate it refused.</summary>
public sealed class ClusterUnreachableException(string message, Exception inner) : Exception(message, inner);
