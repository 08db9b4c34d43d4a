using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace Dagger.Orleans.Connections.Tls.Hosting;

/// <summary>
/// <c>UseDaggerTls(credentials)</c>: mutual TLS on every connection of a silo (silo to silo, client to gateway) or of
/// a client, with Orleans.Connections.Security. Both ends present a certificate and both check the other's against
/// the cluster's CA (<see cref="ClusterCertificateTrust"/>): a party without such a certificate cannot connect.
/// </summary>
public static class TlsHostingExtensions
{
    /// <summary>How long a TLS handshake may take before the connection is dropped (Orleans' default is 10 s).</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);

    public static ISiloBuilder UseDaggerTls(this ISiloBuilder silo, TlsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var failures = AddConnectionFailureLog(silo.Services);
        return silo.UseTls(credentials.Certificate, options => Configure(options, credentials, failures));
    }

    public static IClientBuilder UseDaggerTls(this IClientBuilder client, TlsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var failures = AddConnectionFailureLog(client.Services);
        return client.UseTls(credentials.Certificate, options => Configure(options, credentials, failures));
    }

    /// <summary>
    /// The <see cref="ConnectionFailureLog"/> of this host, fed whatever the console's log level: a client or silo that
    /// cannot connect reports the cause from it in one line.
    /// </summary>
    public static ConnectionFailureLog AddConnectionFailureLog(this IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(ConnectionFailureLog))?.ImplementationInstance is ConnectionFailureLog existing) return existing;
        var log = new ConnectionFailureLog();
        services.AddSingleton(log);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, ConnectionFailureLoggerProvider>());
        // A rule for this provider alone beats the general ones, so a console set to None still lets it hear (it keeps
        // only the connection categories).
        services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(typeof(ConnectionFailureLoggerProvider).FullName, null, LogLevel.Information, null)));
        return log;
    }

    private static void Configure(TlsOptions options, TlsCredentials credentials, ConnectionFailureLog failures)
    {
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = new ClusterCertificateTrust(credentials.TrustedCertificateAuthorities, failures).Validate;
        options.HandshakeTimeout = HandshakeTimeout;
    }
}
