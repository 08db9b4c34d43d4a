using Dagger.Orleans.Connections.Tls;
using Dagger.Orleans.Connections.Tls.Hosting;
using Microsoft.Extensions.Configuration;

namespace Dagger.Orleans.Silo;

/// <summary>
/// The <c>Dagger:Tls</c> section: mutual TLS on every connection of the silo — to other silos and from clients at its
/// gateway. <c>Certificate</c> (PEM or PFX), <c>Key</c> (PEM key when not in the certificate file), <c>Password</c>
/// (PFX or encrypted key), <c>CaCertificate</c> (the CA every silo's and client's certificate must be issued by).
/// Relative paths are taken from the directory the silo is started in. <c>Required</c> (set by the <c>local</c> and
/// <c>kubernetes</c> profiles) refuses to start on plain TCP: only an explicit <c>--Dagger:Tls:Required=false</c> (with
/// the files unset, e.g. <c>Dagger__Tls__Certificate=</c>) allows it. The <c>kubernetes</c> profile reads the
/// <c>dagger-tls</c> Secret the pods mount at <c>/etc/dagger/tls</c> (<c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>).
/// </summary>
internal sealed class TlsSettings
{
    public const string Section = "Dagger:Tls";

    /// <summary>Where the <c>kubernetes</c> profile looks for its files: the mount of the Secret <see cref="PodTlsSecret"/> (infra/k8s).</summary>
    public const string PodTlsDirectory = "/etc/dagger/tls/";

    public const string PodTlsSecret = "dagger-tls";

    public string? Certificate { get; set; }
    public string? Key { get; set; }
    public string? Password { get; set; }
    public string? CaCertificate { get; set; }
    public bool Required { get; set; }

    /// <summary>Loaded when <see cref="Certificate"/> is set; null: plain TCP.</summary>
    public TlsCredentials? Credentials { get; private set; }

    public static TlsSettings Bind(IConfiguration configuration, string profile)
    {
        var settings = new TlsSettings();
        configuration.GetSection(Section).Bind(settings, o => o.ErrorOnUnknownConfiguration = true);
        // An empty value unsets what a profile set (Dagger__Tls__Certificate= in a pod's environment, say).
        (settings.Certificate, settings.Key, settings.Password, settings.CaCertificate) =
            (NullIfEmpty(settings.Certificate), NullIfEmpty(settings.Key), NullIfEmpty(settings.Password), NullIfEmpty(settings.CaCertificate));
        var anyFile = settings.Certificate ?? settings.Key ?? settings.CaCertificate;
        if (anyFile is null)
        {
            if (settings.Required)
                throw new InvalidOperationException($"profile '{profile}': {Section}:Required is true but {Section}:Certificate and {Section}:CaCertificate are not set (infra/local/up.sh makes them; --{Section}:Required=false runs on plain TCP, for a machine nobody else can reach)");
            return settings;
        }
        try
        {
            settings.Credentials = new TlsFiles(settings.Certificate, settings.Key, settings.Password, settings.CaCertificate)
                .Load(key => $"{Section}:{key}", Environment.CurrentDirectory);
        }
        catch (TlsSettingsException e)
        {
            // In a pod the files come from a Secret: say which, rather than leave a path nobody wrote.
            var fromSecret = settings.Certificate?.StartsWith(PodTlsDirectory, StringComparison.Ordinal) == true
                ? $" (a pod reads them from the Secret '{PodTlsSecret}' mounted at {PodTlsDirectory}: infra/k8s/README.md says how to make it)"
                : "";
            throw new InvalidOperationException($"profile '{profile}': {e.Message}{fromSecret}");
        }
        return settings;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

internal static class TlsSetup
{
    /// <summary>Turns on mutual TLS when <see cref="SiloSettings.Tls"/> has credentials; otherwise the silo stays on plain TCP.</summary>
    public static ISiloBuilder UseDaggerTls(this ISiloBuilder silo, SiloSettings settings)
    {
        silo.Services.AddConnectionFailureLog();
        return settings.Tls.Credentials is { } credentials ? silo.UseDaggerTls(credentials) : silo;
    }
}
