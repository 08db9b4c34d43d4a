using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Dagger.Orleans.Connections.Tls;

/// <summary>
/// Decides whether the other end of a connection belongs to the cluster: its certificate must chain to one of the
/// cluster's CA certificates (and be within its validity dates). Nothing else is trusted — not the operating system's
/// CA store, which would admit any certificate a public CA ever issued. Host names are not checked: silos and clients
/// come and go on addresses no certificate could list, so membership of the cluster is what the CA's signature says.
/// </summary>
internal sealed class ClusterCertificateTrust(X509Certificate2Collection trustedAuthorities, ConnectionFailureLog failures)
{
    public bool Validate(X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors _)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trustedAuthorities);
        // A development CA publishes no revocation list; rotation (SECURITY.md) replaces the CA instead.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the peer sent along.
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        if (chain.Build(certificate)) return true;
        var reasons = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        failures.Record(ConnectionFailureLog.TlsCategory,
            $"TLS: the peer's certificate '{certificate.Subject}' is not trusted by the cluster's CA ({(reasons.Length > 0 ? reasons : "no chain to it")})");
        return false;
    }
}
