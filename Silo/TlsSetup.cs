using Dagger.Orleans.Connections.Tls;
using Dagger.Orleans.Connections.Tls.Hosting;
using Microsoft.Extensions.Configuration;

namespace Dagger.Orleans.Silo;

/// <summary>
/// The <c>Dagger:Tls</c> section: mutual TLS on every connection of the silo — to other silos and from clients at its
/// gateway. <c>Certificate</c> (PEM or PFX), <c>Key</c> (PEM key when not in the certificate file), <c>Password</c>
/// (PFX or encrypted key), <c>CaCertificate</c> (the CA every silo's and client's certificate must be issued by).
/// Relative paths are taken from the directory the silo is started in. <c>Required</c> (set by the <c>local</c>
/// profile) refuses to start on plain TCP: only an explicit <c>--Dagger:Tls:Required=false</c> allows it.
/// </summary>
internal sealed class TlsSettings
{
    public const string Section = "Dagger:Tls";

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
            throw new InvalidOperationException($"profile '{profile}': {e.Message}");
        }
        return settings;
    }
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
