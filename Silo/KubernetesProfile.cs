using k8s;
using Orleans.Configuration;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting.Kubernetes;

namespace Dagger.Orleans.Silo;

/// <summary>
/// The <c>Dagger:Kubernetes</c> section, on in the <c>kubernetes</c> profile: the silo runs in a pod. Its name,
/// namespace and IP come from the downward API (<c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>POD_IP</c>): the silo is
/// named after its pod, advertises the pod's IP and listens on every interface, and Orleans' Kubernetes agent labels
/// the pod with the cluster and keeps membership and pods in step (<c>DeleteDefunctSiloPods</c>). <c>ApiServer</c>
/// points the agent at an API server other than the pod's own (a <c>kubectl proxy</c>, a test).
/// </summary>
internal sealed class KubernetesSettings
{
    public const string Section = "Dagger:Kubernetes";

    public bool Enabled { get; set; }
    public string? ApiServer { get; set; }
    public bool DeleteDefunctSiloPods { get; set; }
    /// <summary>How many silos watch the API server for pods that went away (Orleans' default: 2).</summary>
    public int MaxAgents { get; set; } = 2;

    public Uri? ApiServerUri { get; private set; }

    /// <summary>The pod this silo runs in, as the downward API told it.</summary>
    public string PodName { get; private set; } = "";
    public string PodNamespace { get; private set; } = "";
    public string? PodIp { get; private set; }

    public static KubernetesSettings? Bind(IConfiguration configuration, string profile)
    {
        var settings = new KubernetesSettings();
        configuration.GetSection(Section).Bind(settings, o => o.ErrorOnUnknownConfiguration = true);
        if (!settings.Enabled) return null;
        if (!string.IsNullOrWhiteSpace(settings.ApiServer))
        {
            if (!Uri.TryCreate(settings.ApiServer, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new InvalidOperationException($"profile '{profile}': {Section}:ApiServer '{settings.ApiServer}' is not an http or https URL");
            settings.ApiServerUri = uri;
        }
        if (settings.MaxAgents <= 0)
            throw new InvalidOperationException($"profile '{profile}': {Section}:MaxAgents must be positive (got {settings.MaxAgents})");
        settings.PodName = Required(KubernetesHostingOptions.PodNameEnvironmentVariable, profile);
        settings.PodNamespace = Required(KubernetesHostingOptions.PodNamespaceEnvironmentVariable, profile);
        settings.PodIp = Environment.GetEnvironmentVariable(KubernetesHostingOptions.PodIPEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(settings.PodIp)) settings.PodIp = null;
        else if (!System.Net.IPAddress.TryParse(settings.PodIp, out _))
            throw new InvalidOperationException($"profile '{profile}': {Section}:Enabled, but {KubernetesHostingOptions.PodIPEnvironmentVariable} '{settings.PodIp}' is not an IP address");
        return settings;
    }

    private static string Required(string variable, string profile)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
            throw new InvalidOperationException($"profile '{profile}': {Section}:Enabled, but the environment variable {variable} is not set (give it from the downward API: fieldRef metadata.{(variable == KubernetesHostingOptions.PodNameEnvironmentVariable ? "name" : "namespace")})");
        return value;
    }

    public string Describe() => $"pod {PodName} in namespace {PodNamespace}{(PodIp is null ? "" : $", IP {PodIp}")}";
}

internal static class KubernetesProfile
{
    /// <summary>Kubernetes hosting when <see cref="SiloSettings.Kubernetes"/> is on: identity from the pod, the Kubernetes agent.</summary>
    public static ISiloBuilder UseDaggerKubernetes(this ISiloBuilder silo, SiloSettings settings)
    {
        if (settings.Kubernetes is not { } kubernetes) return silo;
        // Said outright: Orleans' own default (the first address of the host) would otherwise be taken before the
        // Kubernetes hosting looks at POD_IP.
        if (kubernetes.PodIp is { } podIp) silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = System.Net.IPAddress.Parse(podIp));
        return silo.UseKubernetesHosting(options => options.Configure(o =>
        {
            o.DeleteDefunctSiloPods = kubernetes.DeleteDefunctSiloPods;
            o.MaxAgents = kubernetes.MaxAgents;
            if (kubernetes.ApiServerUri is { } api) o.GetClientConfiguration = () => new KubernetesClientConfiguration { Host = api.ToString() };
        }));
    }
}
