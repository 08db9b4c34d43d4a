using System.Diagnostics;
using Dagger.Orleans.Client;
using Dagger.Orleans.Connections.Tls;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Security;

/// <summary>The <c>tls</c> object of a cluster file, in both forms, and the certificates infra/local/make-certs.sh makes.</summary>
public sealed class ClusterFileTlsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dagger-tls-file-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly TestCertificateAuthority _authority;
    private readonly IssuedCertificate _client;

    public ClusterFileTlsTests()
    {
        _authority = new TestCertificateAuthority("Dagger file test CA", Path.Combine(_directory, "tls"));
        _client = _authority.IssueClient("client");
    }

    public void Dispose()
    {
        _authority.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string Write(string json)
    {
        var path = Path.Combine(_directory, "cluster.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Theory]
    [InlineData("""{ "clusterId": "dev", "gateways": ["127.0.0.1:30000"], "tls": { "certificate": "tls/client.pem", "key": "tls/client.key", "caCertificate": "tls/ca.pem" } }""")]
    [InlineData("""{ "clusterId": "dev", "azureTables": "UseDevelopmentStorage=true", "tls": { "certificate": "tls/client.pem", "key": "tls/client.key", "caCertificate": "tls/ca.pem" } }""")]
    public void Either_form_loads_the_certificate_and_the_CA_from_paths_relative_to_the_file(string json)
    {
        var file = ClusterFile.Load(Write(json));

        var credentials = Assert.IsType<TlsCredentials>(file.TlsCredentials);
        Assert.True(credentials.Certificate.HasPrivateKey);
        Assert.Equal("CN=client", credentials.Certificate.Subject);
        Assert.Equal("CN=Dagger file test CA", Assert.Single(credentials.TrustedCertificateAuthorities).Subject);
    }

    [Fact]
    public void A_PFX_file_with_its_password_loads_as_the_certificate()
    {
        using (var pem = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(_client.Certificate, _client.Key))
        {
            File.WriteAllBytes(Path.Combine(_directory, "tls", "client.pfx"), pem.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, "pfx-secret"));
        }
        var path = Write("""{ "gateways": ["127.0.0.1:30000"], "tls": { "certificate": "tls/client.pfx", "password": "pfx-secret", "caCertificate": "tls/ca.pem" } }""");

        var credentials = Assert.IsType<TlsCredentials>(ClusterFile.Load(path).TlsCredentials);

        Assert.True(credentials.Certificate.HasPrivateKey);
        Assert.Equal("CN=client", credentials.Certificate.Subject);
    }

    [Fact]
    public void A_PFX_file_with_the_wrong_password_is_refused_naming_it()
    {
        using (var pem = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(_client.Certificate, _client.Key))
        {
            File.WriteAllBytes(Path.Combine(_directory, "tls", "client.pfx"), pem.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, "pfx-secret"));
        }
        var path = Write("""{ "gateways": ["127.0.0.1:30000"], "tls": { "certificate": "tls/client.pfx", "password": "N0t-the-Pa55word", "caCertificate": "tls/ca.pem" } }""");

        var e = Assert.Throws<ClusterFileException>(() => ClusterFile.Load(path));

        Assert.Contains("tls.certificate", e.Message, StringComparison.Ordinal);
        Assert.Contains("client.pfx", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("N0t-the-Pa55word", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_whose_key_is_missing_is_refused_naming_the_key_setting()
    {
        var path = Write("""{ "gateways": ["127.0.0.1:30000"], "tls": { "certificate": "tls/client.pem", "caCertificate": "tls/ca.pem" } }""");

        var e = Assert.Throws<ClusterFileException>(() => ClusterFile.Load(path));

        Assert.Contains($"cluster file '{path}': tls.certificate '{_client.Certificate}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_a_CA_is_refused_naming_caCertificate()
    {
        var path = Write("""{ "gateways": ["127.0.0.1:30000"], "tls": { "certificate": "tls/client.pem", "key": "tls/client.key" } }""");

        var e = Assert.Throws<ClusterFileException>(() => ClusterFile.Load(path));

        Assert.Contains("tls.caCertificate is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_CA_file_that_holds_no_certificate_is_refused_naming_it()
    {
        File.WriteAllText(Path.Combine(_directory, "tls", "empty-ca.pem"), "not a certificate\n");
        var path = Write("""{ "gateways": ["127.0.0.1:30000"], "tls": { "certificate": "tls/client.pem", "key": "tls/client.key", "caCertificate": "tls/empty-ca.pem" } }""");

        var e = Assert.Throws<ClusterFileException>(() => ClusterFile.Load(path));

        Assert.Contains("tls.caCertificate", e.Message, StringComparison.Ordinal);
        Assert.Contains("empty-ca.pem", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_certificates_of_make_certs_load_and_chain_to_their_CA()
    {
        var openssl = new[] { "/usr/bin/openssl", "/usr/local/bin/openssl" }.FirstOrDefault(File.Exists);
        Assert.True(openssl is not null, "openssl is not installed: apt-get install -y openssl (infra/local/make-certs.sh needs it)");
        var dir = Path.Combine(_directory, "made");
        using var script = Process.Start(new ProcessStartInfo("bash", [CliRepoRoot.File("infra/local/make-certs.sh"), dir]) { RedirectStandardError = true, UseShellExecute = false })!;
        var stderr = await script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.True(script.ExitCode == 0, stderr);

        foreach (var party in new[] { "silo", "client" })
        {
            var credentials = new TlsFiles($"{party}.pem", $"{party}.key", null, "ca.pem").Load(key => key, dir);
            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(credentials.TrustedCertificateAuthorities);
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            Assert.True(chain.Build(credentials.Certificate), $"{party}: {string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation))}");
        }
        // Private keys are readable by their owner only (the script runs under bash: not on Windows).
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "silo.key")));
    }
}
