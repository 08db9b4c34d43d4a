using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Dagger.Orleans.Silo;

/// <summary>
/// The <c>Dagger:Dashboard</c> section: the Orleans Dashboard (grain types, activations, calls, silos). <c>Port</c>
/// set: this silo collects the dashboard's statistics and serves its web UI on that port (every interface, or
/// <c>Host</c>). Off unless set: the dashboard's call profiler sits on every grain call, data calls included.
/// </summary>
internal sealed class DashboardSettings
{
    public const string Section = "Dagger:Dashboard";

    public int? Port { get; set; }

    /// <summary>The address the web UI listens on: <c>*</c> (every interface, the default) or an IP address.</summary>
    public string Host { get; set; } = "*";

    public static DashboardSettings Bind(IConfiguration configuration, string profile)
    {
        var settings = new DashboardSettings();
        configuration.GetSection(Section).Bind(settings, o => o.ErrorOnUnknownConfiguration = true);
        if (settings.Port is <= 0 or > 65535)
            throw new InvalidOperationException($"profile '{profile}': {Section}:Port {settings.Port} is not a TCP port");
        if (settings.Host != "*" && !IPAddress.TryParse(settings.Host, out _))
            throw new InvalidOperationException($"profile '{profile}': {Section}:Host '{settings.Host}' is neither * nor an IP address");
        return settings;
    }
}

internal static class DashboardSetup
{
    /// <summary>Adds the dashboard when <see cref="SiloSettings.Dashboard"/> has a port.</summary>
    public static ISiloBuilder UseDaggerDashboard(this ISiloBuilder silo, SiloSettings settings)
    {
        if (settings.Dashboard.Port is not { } port) return silo;
        silo.AddDashboard();
        silo.Services.AddSingleton(new DashboardWebHost.Address(settings.Dashboard.Host, port));
        silo.Services.AddHostedService<DashboardWebHost>();
        return silo;
    }
}

/// <summary>
/// The dashboard's web UI, on its own small ASP.NET Core host beside the silo's generic host (the silo is no web
/// app). Its endpoints resolve the dashboard's services from the silo's container: the few it asks for by type are
/// handed over, so both sides see the same statistics.
/// </summary>
internal sealed partial class DashboardWebHost(IServiceProvider silo, DashboardWebHost.Address address, ILogger<DashboardWebHost> logger) : IHostedService
{
    public sealed record Address(string Host, int Port);

    // What MapOrleansDashboard and its endpoints take from the container (Microsoft.Orleans.Dashboard 10.4.2); internal
    // there, so named here. A later version that renames them fails start-up with the name, not a blank page.
    private static readonly string[] SharedServices =
    [
        "Orleans.Dashboard.EmbeddedAssetProvider",
        "Orleans.Dashboard.Core.IDashboardClient",
        "Orleans.Dashboard.Implementation.DashboardLogger",
    ];

    private WebApplication? _web;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{address.Host}:{address.Port}");
        var assembly = typeof(DashboardOptions).Assembly;
        foreach (var name in SharedServices)
        {
            var type = assembly.GetType(name)
                ?? throw new InvalidOperationException($"{DashboardSettings.Section}: this Microsoft.Orleans.Dashboard has no {name}; the dashboard host needs updating");
            builder.Services.AddSingleton(type, silo.GetRequiredService(type));
        }
        builder.Services.AddSingleton(silo.GetRequiredService<IOptions<DashboardOptions>>());
        _web = builder.Build();
        _web.MapOrleansDashboard();
        try
        {
            await _web.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"{DashboardSettings.Section}:Port {address.Port}: the dashboard cannot listen there ({e.Message})", e);
        }
        LogServing(logger, address.Host, address.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_web is null) return;
        await _web.StopAsync(cancellationToken);
        await _web.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Orleans Dashboard on http://{Host}:{Port}/")]
    private static partial void LogServing(ILogger logger, string host, int port);
}
