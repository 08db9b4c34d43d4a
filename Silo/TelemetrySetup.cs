using Dagger.Orleans.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dagger.Orleans.Silo;

/// <summary>
/// The <c>Dagger:Telemetry</c> section: where the silo sends the runtime's metrics and traces (the
/// <see cref="DaggerTelemetry.MeterName"/> meter and activity source, and Orleans' own meter). <c>Otlp</c>: an OTLP
/// collector's URL (metrics and traces are exported to it; <c>OtlpProtocol</c> <c>grpc</c>, the default, or
/// <c>http/protobuf</c>). <c>PrometheusPort</c>: the silo serves a Prometheus scrape endpoint on that port, at
/// <c>/metrics</c>. Neither set: no exporter, and the instruments cost next to nothing.
/// </summary>
internal sealed class TelemetrySettings
{
    public const string Section = "Dagger:Telemetry";
    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";
    /// <summary>Orleans' own meter (grain calls, activations, messaging), exported beside ours.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";
    /// <summary>Where the scrape endpoint answers.</summary>
    public const string PrometheusPath = "/metrics/";

    public string? Otlp { get; set; }
    public string OtlpProtocol { get; set; } = Grpc;
    public int? PrometheusPort { get; set; }
    /// <summary>The service name exported metrics and traces carry (OpenTelemetry's service.name).</summary>
    public string ServiceName { get; set; } = "dagger-silo";

    public Uri? OtlpEndpoint { get; private set; }

    public bool Exports => OtlpEndpoint is not null || PrometheusPort is not null;

    public static TelemetrySettings Bind(IConfiguration configuration, string profile)
    {
        var settings = new TelemetrySettings();
        configuration.GetSection(Section).Bind(settings, o => o.ErrorOnUnknownConfiguration = true);
        if (!string.IsNullOrWhiteSpace(settings.Otlp))
        {
            if (!Uri.TryCreate(settings.Otlp, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new InvalidOperationException($"profile '{profile}': {Section}:Otlp '{settings.Otlp}' is not an http or https URL (e.g. http://otel-collector:4317)");
            settings.OtlpEndpoint = uri;
        }
        if (settings.OtlpProtocol is not (Grpc or HttpProtobuf))
            throw new InvalidOperationException($"profile '{profile}': {Section}:OtlpProtocol '{settings.OtlpProtocol}' is not one of {Grpc}, {HttpProtobuf}");
        if (settings.PrometheusPort is <= 0 or > 65535)
            throw new InvalidOperationException($"profile '{profile}': {Section}:PrometheusPort {settings.PrometheusPort} is not a TCP port");
        if (string.IsNullOrWhiteSpace(settings.ServiceName))
            throw new InvalidOperationException($"profile '{profile}': {Section}:ServiceName is empty");
        return settings;
    }
}

internal static class TelemetrySetup
{
    /// <summary>Adds the exporters <see cref="SiloSettings.Telemetry"/> asks for; nothing when it asks for none.</summary>
    public static void UseDaggerTelemetry(this IHostApplicationBuilder builder, SiloSettings settings)
    {
        var telemetry = settings.Telemetry;
        if (!telemetry.Exports) return;
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(telemetry.ServiceName, serviceInstanceId: Environment.GetEnvironmentVariable("POD_NAME") ?? $"{Environment.MachineName}:{settings.SiloPort}"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(DaggerTelemetry.MeterName, TelemetrySettings.OrleansMeter);
                if (telemetry.OtlpEndpoint is { } otlp) metrics.AddOtlpExporter(o => Configure(o, otlp, telemetry.OtlpProtocol, "v1/metrics"));
                if (telemetry.PrometheusPort is { } port)
                {
                    metrics.AddPrometheusHttpListener(o =>
                    {
                        o.Port = port;
                        // Every interface, whatever the Host header says: a scraper reaches a pod by its IP. (The
                        // exporter's Host must parse as a URI host, which "+" does not.)
                        o.ConfigureHttpListener = (_, listener) =>
                        {
                            listener.Prefixes.Clear();
                            listener.Prefixes.Add($"http://+:{port}{TelemetrySettings.PrometheusPath}");
                        };
                    });
                }
            });
        if (telemetry.OtlpEndpoint is { } endpoint)
        {
            otel.WithTracing(tracing => tracing
                .AddSource(DaggerTelemetry.ActivitySourceName)
                .AddOtlpExporter(o => Configure(o, endpoint, telemetry.OtlpProtocol, "v1/traces")));
        }
    }

    /// <summary>
    /// The collector at <paramref name="endpoint"/>: over gRPC as it is; over HTTP at the signal's path under it (the
    /// exporter takes an endpoint set in code as the signal's full URL, unlike the OTEL_EXPORTER_OTLP_ENDPOINT variable).
    /// </summary>
    private static void Configure(OtlpExporterOptions options, Uri endpoint, string protocol, string signalPath)
    {
        if (protocol == TelemetrySettings.HttpProtobuf)
        {
            options.Protocol = OtlpExportProtocol.HttpProtobuf;
            options.Endpoint = new Uri(endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/"), signalPath);
        }
        else
        {
            options.Protocol = OtlpExportProtocol.Grpc;
            options.Endpoint = endpoint;
        }
    }
}
