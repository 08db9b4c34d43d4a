using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dagger.Orleans.Tests.Security;

/// <summary>
/// A throw-away certificate authority for one test run, made with .NET's <see cref="CertificateRequest"/> (no
/// openssl, no private key in the repository): it issues silo and client certificates as PEM files into a private
/// folder, the way infra/local/make-certs.sh does with openssl.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;
    private readonly X509Certificate2 _certificate;

    public TestCertificateAuthority(string name, string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        CaCertificate = Path.Combine(directory, "ca.pem");
        File.WriteAllText(CaCertificate, _certificate.ExportCertificatePem());
    }

    public string Directory { get; }

    /// <summary>The CA's certificate (PEM): what silos and clients are told to trust.</summary>
    public string CaCertificate { get; }

    /// <summary>A silo's certificate: server and client authentication (silos connect to each other both ways).</summary>
    public IssuedCertificate IssueSilo(string name) => Issue(name, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);

    /// <summary>A client's certificate: client authentication only.</summary>
    public IssuedCertificate IssueClient(string name) => Issue(name, ["1.3.6.1.5.5.7.3.2"]);

    private IssuedCertificate Issue(string name, string[] extendedKeyUsages)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection();
        foreach (var oid in extendedKeyUsages) usages.Add(new Oid(oid));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        // Valid while the CA is (issued later than the CA, "now + 1 day" would outlive it, which Create refuses).
        using var certificate = request.Create(_certificate, DateTimeOffset.UtcNow.AddMinutes(-5), _certificate.NotAfter.AddMinutes(-1), serial);
        var issued = new IssuedCertificate(Path.Combine(Directory, $"{name}.pem"), Path.Combine(Directory, $"{name}.key"), CaCertificate);
        File.WriteAllText(issued.Certificate, certificate.ExportCertificatePem());
        File.WriteAllText(issued.Key, key.ExportPkcs8PrivateKeyPem());
        return issued;
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
    }
}

/// <summary>PEM files of one issued certificate, its key, and the CA that issued it.</summary>
public sealed record IssuedCertificate(string Certificate, string Key, string CaCertificate)
{
    /// <summary>The silo settings that turn on TLS with this certificate.</summary>
    public string[] SiloSettings =>
        [$"--Dagger:Tls:Certificate={Certificate}", $"--Dagger:Tls:Key={Key}", $"--Dagger:Tls:CaCertificate={CaCertificate}"];

    /// <summary>The <c>tls</c> object of a cluster file.</summary>
    public object ClusterFileTls => new { certificate = Certificate, key = Key, caCertificate = CaCertificate };
}
