using System.Text.Json.Serialization;
using Dagger.Orleans.Connections.Tls;

namespace Dagger.Orleans.Client;

/// <summary>
/// The <c>tls</c> object of a cluster file: the client's certificate for a cluster that runs mutual TLS, and the CA
/// the cluster's silos are checked against. Relative paths are taken from the cluster file's folder.
/// <code>"tls": { "certificate": "tls/client.pem", "key": "tls/client.key", "caCertificate": "tls/ca.pem" }</code>
/// </summary>
public sealed record ClusterFileTls
{
    /// <summary>The client's certificate: PEM (key inside or in <see cref="Key"/>) or a .pfx/.p12 file.</summary>
    [JsonPropertyName("certificate")] public string? Certificate { get; init; }

    /// <summary>The PEM private key, when it is not in <see cref="Certificate"/>.</summary>
    [JsonPropertyName("key")] public string? Key { get; init; }

    /// <summary>Password of a PFX file or an encrypted PEM key.</summary>
    [JsonPropertyName("password")] public string? Password { get; init; }

    /// <summary>PEM file of the CA that issues the cluster's certificates.</summary>
    [JsonPropertyName("caCertificate")] public string? CaCertificate { get; init; }

    /// <summary>Reads the files, naming the cluster file and the key in every error.</summary>
    internal TlsCredentials Load(string clusterFilePath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(clusterFilePath)) ?? Environment.CurrentDirectory;
        try
        {
            return new TlsFiles(Certificate, Key, Password, CaCertificate).Load(key => $"tls.{char.ToLowerInvariant(key[0])}{key[1..]}", directory);
        }
        catch (TlsSettingsException e)
        {
            throw new ClusterFileException($"cluster file '{clusterFilePath}': {e.Message}");
        }
    }
}
