using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dagger.Orleans.Silo;

/// <summary>
/// The <c>Dagger:Health</c> section: with <c>Port</c> set, the silo answers Kubernetes' probes over HTTP on that port
/// (every interface). <c>/healthz/ready</c>: 200 while the cluster counts this silo Active (it takes work), 503
/// before that and once it starts to shut down — so a draining silo gets no new clients. <c>/healthz/live</c>: 200 unless
/// the cluster has declared this silo dead (then it must be restarted: a dead silo never comes back by itself).
/// </summary>
internal sealed class HealthSettings
{
    public const string Section = "Dagger:Health";
    public const string ReadyPath = "/healthz/ready";
    public const string LivePath = "/healthz/live";

    public int? Port { get; set; }

    public static HealthSettings Bind(IConfiguration configuration, string profile)
    {
        var settings = new HealthSettings();
        configuration.GetSection(Section).Bind(settings, o => o.ErrorOnUnknownConfiguration = true);
        if (settings.Port is <= 0 or > 65535)
            throw new InvalidOperationException($"profile '{profile}': {Section}:Port {settings.Port} is not a TCP port");
        return settings;
    }
}

internal static class HealthSetup
{
    public static ISiloBuilder UseDaggerHealth(this ISiloBuilder silo, SiloSettings settings)
    {
        if (settings.Health.Port is not { } port) return silo;
        silo.Services.AddHostedService(sp => new HealthEndpoint(
            port, sp.GetRequiredService<IClusterMembershipService>(), sp.GetRequiredService<ILocalSiloDetails>(), sp.GetRequiredService<ILogger<HealthEndpoint>>()));
        return silo;
    }
}

internal sealed partial class HealthEndpoint(int port, IClusterMembershipService membership, ILocalSiloDetails silo, ILogger<HealthEndpoint> logger) : IHostedService
{
    private WebApplication? _web;

    private SiloStatus Status => membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://*:{port}");
        _web = builder.Build();
        _web.MapGet(HealthSettings.ReadyPath, () => Answer(Status == SiloStatus.Active));
        _web.MapGet(HealthSettings.LivePath, () => Answer(Status != SiloStatus.Dead));
        try
        {
            await _web.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"{HealthSettings.Section}:Port {port}: the health endpoint cannot listen there ({e.Message})", e);
        }
        LogServing(logger, port);
    }

    private IResult Answer(bool healthy) => Results.Text($"{Status}\n", "text/plain", statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_web is null) return;
        await _web.StopAsync(cancellationToken);
        await _web.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "health probes on http://*:{Port}/healthz/ready and /healthz/live")]
    private static partial void LogServing(ILogger logger, int port);
}
