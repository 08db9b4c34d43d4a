using System.Text.Json;
using Dagger.Orleans.Tests.Cli;

namespace Dagger.Orleans.Tests.Security;

/// <summary>
/// Two silo processes that run mutual TLS with certificates of a test CA (<see cref="Cluster"/>), with a cluster file
/// whose <c>tls</c> holds a client certificate of that CA. <see cref="Stranger"/> is a second CA nobody in the cluster
/// trusts, with certificates of its own, for the parties that must be turned away.
/// </summary>
public sealed class TlsSiloCluster : SiloProcessCluster
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dagger-tls-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private TestCertificateAuthority? _cluster;
    private TestCertificateAuthority? _stranger;

    public IssuedCertificate SiloCertificate { get; private set; } = null!;
    public IssuedCertificate ClientCertificate { get; private set; } = null!;
    public IssuedCertificate StrangerSiloCertificate { get; private set; } = null!;
    public IssuedCertificate StrangerClientCertificate { get; private set; } = null!;

    protected override Task BeforeSilosAsync()
    {
        _cluster = new TestCertificateAuthority("Dagger test CA", Path.Combine(_directory, "cluster"));
        _stranger = new TestCertificateAuthority("Stranger CA", Path.Combine(_directory, "stranger"));
        SiloCertificate = _cluster.IssueSilo("silo");
        ClientCertificate = _cluster.IssueClient("client");
        StrangerSiloCertificate = _stranger.IssueSilo("silo");
        StrangerClientCertificate = _stranger.IssueClient("client");
        return Task.CompletedTask;
    }

    // Required, as the local profile sets it: the silos must start on TLS, not fall back to plain TCP.
    protected override IEnumerable<string> SiloSettings => [.. SiloCertificate.SiloSettings, "--Dagger:Tls:Required=true"];

    protected override object? ClusterFileTls => ClientCertificate.ClusterFileTls;

    /// <summary>A cluster file for these gateways with another <c>tls</c> (null: none) or cluster id.</summary>
    public string WriteClusterFile(CliFixture cli, string name, object? tls, string? clusterId = null)
    {
        var id = clusterId ?? ClusterId;
        return cli.WriteSpec(name, tls is null
            ? JsonSerializer.Serialize(new { clusterId = id, gateways = Gateways })
            : JsonSerializer.Serialize(new { clusterId = id, gateways = Gateways, tls }));
    }

    protected override Task AfterSilosAsync()
    {
        _cluster?.Dispose();
        _stranger?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up.
        }
        return Task.CompletedTask;
    }
}
