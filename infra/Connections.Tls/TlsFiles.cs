using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dagger.Orleans.Connections.Tls;

/// <summary>
/// Where a silo's or a client's TLS identity and trust come from: the <c>Dagger:Tls</c> settings of a silo, the
/// <c>tls</c> object of a cluster file. PEM or PKCS#12 (PFX) files.
/// </summary>
/// <param name="Certificate">This party's certificate: PEM (with its key in the same file or in <paramref name="Key"/>) or a .pfx/.p12 file.</param>
/// <param name="Key">The PEM private key, when it is not in <paramref name="Certificate"/>.</param>
/// <param name="Password">The password of a PFX file or of an encrypted PEM key.</param>
/// <param name="CaCertificate">PEM file of the CA certificate(s) the cluster trusts: every silo and client must present a certificate issued by one of them.</param>
public sealed record TlsFiles(string? Certificate, string? Key, string? Password, string? CaCertificate)
{
    /// <summary>
    /// Reads the files. <paramref name="setting"/> names a setting as its user writes it (<c>Certificate</c> →
    /// <c>Dagger:Tls:Certificate</c>, or <c>cluster file 'x': tls.certificate</c>): every error names the setting and
    /// the file. Relative paths are taken from <paramref name="baseDirectory"/>.
    /// </summary>
    public TlsCredentials Load(Func<string, string> setting, string baseDirectory)
    {
        if (string.IsNullOrWhiteSpace(Certificate)) throw new TlsSettingsException($"{setting(nameof(Certificate))} is missing: name the PEM or PFX file of this party's certificate");
        if (string.IsNullOrWhiteSpace(CaCertificate)) throw new TlsSettingsException($"{setting(nameof(CaCertificate))} is missing: name the PEM file of the CA that issues the cluster's certificates");
        var certificatePath = FullPath(baseDirectory, Certificate);
        var keyPath = string.IsNullOrWhiteSpace(Key) ? null : FullPath(baseDirectory, Key);
        var caPath = FullPath(baseDirectory, CaCertificate);
        var certificate = LoadCertificate(setting, certificatePath, keyPath);
        var roots = LoadCaCertificates(setting, caPath);
        return new TlsCredentials(certificate, roots);
    }

    private X509Certificate2 LoadCertificate(Func<string, string> setting, string path, string? keyPath)
    {
        RequireFile(setting(nameof(Certificate)), path);
        if (keyPath is not null) RequireFile(setting(nameof(Key)), keyPath);
        X509Certificate2 certificate;
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is ".pfx" or ".p12")
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, Password);
            }
            else if (!string.IsNullOrEmpty(Password))
            {
                certificate = X509Certificate2.CreateFromEncryptedPemFile(path, Password, keyPath);
            }
            else
            {
                certificate = X509Certificate2.CreateFromPemFile(path, keyPath);
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            var what = keyPath is null ? $"'{path}'" : $"'{path}' with key '{keyPath}'";
            throw new TlsSettingsException($"{setting(nameof(Certificate))} {what} cannot be read as a certificate with its private key: {OneLine(e.Message)}");
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new TlsSettingsException($"{setting(nameof(Certificate))} '{path}' has no private key: add it to the file or name it in {setting(nameof(Key))}");
        }
        return certificate;
    }

    private static X509Certificate2Collection LoadCaCertificates(Func<string, string> setting, string path)
    {
        RequireFile(setting(nameof(CaCertificate)), path);
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new TlsSettingsException($"{setting(nameof(CaCertificate))} '{path}' cannot be read as PEM certificates: {OneLine(e.Message)}");
        }
        if (roots.Count == 0) throw new TlsSettingsException($"{setting(nameof(CaCertificate))} '{path}' holds no PEM certificate");
        return roots;
    }

    private static void RequireFile(string setting, string path)
    {
        if (!File.Exists(path)) throw new TlsSettingsException($"{setting} '{path}' does not exist");
    }

    private static string FullPath(string baseDirectory, string path) => Path.GetFullPath(path, baseDirectory);

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}

/// <summary>A party's loaded TLS identity and the CA certificates it trusts.</summary>
public sealed record TlsCredentials(X509Certificate2 Certificate, X509Certificate2Collection TrustedCertificateAuthorities);

/// <summary>A TLS setting that is missing, names a missing file, or a file that cannot be read; the message names the setting and the file.</summary>
public sealed class TlsSettingsException(string message) : Exception(message);
