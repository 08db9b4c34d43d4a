using Microsoft.Extensions.Configuration;

namespace Dagger.Orleans.Silo;

/// <summary>The <c>Dagger:Silo</c> configuration section, read once at start-up and checked.</summary>
internal sealed class SiloSettings
{
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    /// <summary>The first silo's port, for the second and later silos of a localhost cluster.</summary>
    public int? PrimarySiloPort { get; set; }
    public string ClusterId { get; set; } = "dev";
    public string ServiceId { get; set; } = "dagger";
    public int Window { get; set; } = 32;
    /// <summary>auto (detect a GPU with ILGPU), gpu or cpu: what the silo tells the cluster it computes on.</summary>
    public string Accelerator { get; set; } = Placement.Accelerators.Auto;
    public List<string> OperatorAssemblies { get; set; } = [];

    /// <summary>
    /// How long start-up may take, joining the cluster included (a silo restarted after a crash waits until the cluster has
    /// declared its former self dead: ~1 minute here). Orleans would try to join for 5 minutes; a silo that
    /// cannot reach the others (down, another cluster, a certificate they refuse) says so sooner, in one line.
    /// </summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// How often a stream pulling agent starts reading its queue when it has stopped. Our providers' reads wait for the
    /// next message (their ReadWait, 100 ms), so an agent stops only for that long when nothing comes, or while a new
    /// stream registers; the period then is how soon it reads again. Idle CPU hardly depends on it (measured, one NATS or
    /// MQTT provider: 2–3% of a core for an idle silo at 1 ms or 10 ms; at 10 ms before reads waited, 8% plus 3% in nats-server).
    /// </summary>
    public TimeSpan StreamPollPeriod { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The <c>Dagger:Nats</c> section (NatsStreamOptions: Url, User, Password, Token, StreamName, …): present, the silo carries <c>nats</c> edges.</summary>
    public IConfigurationSection? Nats { get; private set; }

    /// <summary>The <c>Dagger:Mqtt</c> section (MqttStreamOptions: Server, Port, UserName, Password, TopicPrefix, …): present, the silo carries <c>mqtt</c> edges.</summary>
    public IConfigurationSection? Mqtt { get; private set; }

    /// <summary>The <c>Dagger:Shm</c> section (Directory, RingBytes): present, the silo carries <c>shm</c> edges between nodes of this host.</summary>
    public Runtime.ShmOptions? Shm { get; private set; }

    /// <summary><c>Dagger:Files:Roots</c>: the directories specs may name files under (none by default: every file is refused).</summary>
    public List<string> FileRoots { get; } = [];

    /// <summary><c>Dagger:Limits</c> (the <c>SpecLimits</c> fields, e.g. <c>MaxNodes</c>): what a spec may be; absent, the defaults.</summary>
    public Spec.SpecLimits Limits { get; private set; } = new();

    /// <summary><c>Dagger:MaxResultBytes</c>: the most bytes one sink's result may take.</summary>
    public long? MaxResultBytes { get; private set; }

    /// <summary><c>Dagger:StallAfter</c>: how long a node may hold input without progress before the run reports it stalled.</summary>
    public TimeSpan? StallAfter { get; private set; }

    /// <summary>The security and limit settings onto the runtime's options (checked there when the silo starts).</summary>
    public void ApplyLimits(Runtime.DaggerOptions options)
    {
        options.Files.Roots.AddRange(FileRoots);
        options.Limits = Limits;
        if (MaxResultBytes is { } maxResult) options.MaxResultBytes = maxResult;
        if (StallAfter is { } stallAfter) options.StallAfter = stallAfter;
    }

    /// <summary>The <c>Dagger:Clustering</c> section: localhost (default) or azure membership.</summary>
    public ClusteringSettings Clustering { get; private set; } = new();

    /// <summary>The <c>Dagger:State</c> section: memory (default) or azure run-state storage.</summary>
    public StateSettings State { get; private set; } = new();

    /// <summary>The <c>Dagger:Telemetry</c> section: OTLP and Prometheus exporters (none by default).</summary>
    public TelemetrySettings Telemetry { get; private set; } = new();

    /// <summary>The <c>Dagger:Dashboard</c> section: the Orleans Dashboard on a port (off by default).</summary>
    public DashboardSettings Dashboard { get; private set; } = new();

    /// <summary>The <c>Dagger:Health</c> section: HTTP readiness and liveness probes on a port (off by default).</summary>
    public HealthSettings Health { get; private set; } = new();

    /// <summary>The <c>Dagger:Kubernetes</c> section: null unless the silo runs in a pod (the <c>kubernetes</c> profile).</summary>
    public KubernetesSettings? Kubernetes { get; private set; }

    /// <summary>The <c>Dagger:Tls</c> section: mutual TLS between silos and with clients (absent: plain TCP).</summary>
    public TlsSettings Tls { get; private set; } = new();

    public static SiloSettings Bind(IConfiguration configuration, string profile)
    {
        var settings = new SiloSettings();
        configuration.GetSection("Dagger:Silo").Bind(settings, o => o.ErrorOnUnknownConfiguration = true);
        settings.OperatorAssemblies.AddRange(configuration.GetSection("Dagger:OperatorAssemblies").Get<string[]>() ?? []);
        var files = configuration.GetSection("Dagger:Files");
        foreach (var child in files.GetChildren())
        {
            if (child.Key != "Roots") throw new InvalidOperationException($"profile '{profile}': Dagger:Files:{child.Key} is not a setting (Dagger:Files has Roots only)");
        }
        settings.FileRoots.AddRange(files.GetSection("Roots").Get<string[]>() ?? []);
        var limits = configuration.GetSection("Dagger:Limits");
        if (limits.Exists())
        {
            var bound = new Spec.SpecLimits();
            limits.Bind(bound, o => o.ErrorOnUnknownConfiguration = true);
            settings.Limits = bound;
        }
        settings.MaxResultBytes = configuration.GetValue<long?>("Dagger:MaxResultBytes");
        settings.StallAfter = configuration.GetValue<TimeSpan?>("Dagger:StallAfter");
        var nats = configuration.GetSection("Dagger:Nats");
        if (nats.Exists()) settings.Nats = nats;
        var mqtt = configuration.GetSection("Dagger:Mqtt");
        if (mqtt.Exists()) settings.Mqtt = mqtt;
        var shm = configuration.GetSection("Dagger:Shm");
        if (shm.Exists())
        {
            settings.Shm = new Runtime.ShmOptions();
            shm.Bind(settings.Shm, o => o.ErrorOnUnknownConfiguration = true);
            if (settings.Shm.Problem() is { } problem) throw new InvalidOperationException($"profile '{profile}': {problem}");
        }
        if (settings.SiloPort is <= 0 or > 65535) throw new InvalidOperationException($"profile '{profile}': Dagger:Silo:SiloPort {settings.SiloPort} is not a TCP port");
        if (settings.GatewayPort is <= 0 or > 65535) throw new InvalidOperationException($"profile '{profile}': Dagger:Silo:GatewayPort {settings.GatewayPort} is not a TCP port");
        if (!Placement.Accelerators.Settings.Contains(settings.Accelerator))
            throw new InvalidOperationException($"profile '{profile}': Dagger:Silo:Accelerator '{settings.Accelerator}' is not one of {string.Join(", ", Placement.Accelerators.Settings)}");
        if (settings.StartTimeout <= TimeSpan.Zero) throw new InvalidOperationException($"profile '{profile}': Dagger:Silo:StartTimeout must be positive (got {settings.StartTimeout})");
        if (settings.Window <= 0) throw new InvalidOperationException($"profile '{profile}': Dagger:Silo:Window must be positive (got {settings.Window})");
        settings.Clustering = ClusteringSettings.Bind(configuration, profile);
        settings.State = StateSettings.Bind(configuration, profile);
        settings.Telemetry = TelemetrySettings.Bind(configuration, profile);
        settings.Dashboard = DashboardSettings.Bind(configuration, profile);
        settings.Kubernetes = KubernetesSettings.Bind(configuration, profile);
        settings.Health = HealthSettings.Bind(configuration, profile);
        if (settings.Kubernetes is not null && settings.Clustering.Provider == ClusteringSettings.LocalhostProvider)
            throw new InvalidOperationException($"profile '{profile}': {KubernetesSettings.Section}:Enabled needs a membership the pods share: set {ClusteringSettings.Section}:Provider to '{ClusteringSettings.AzureProvider}'");

        settings.Tls = TlsSettings.Bind(configuration, profile);
        if (settings.Clustering.Provider != ClusteringSettings.LocalhostProvider && settings.PrimarySiloPort is not null)
            throw new InvalidOperationException($"profile '{profile}': Dagger:Silo:PrimarySiloPort applies to localhost clustering only (Dagger:Clustering:Provider is '{settings.Clustering.Provider}')");
        return settings;
    }

    /// <summary>What the ready line adds after the ports: the pod, the dashboard and metrics ports, when there are.</summary>
    public string Extras()
    {
        var extras = new List<string>();
        if (Kubernetes is { } pod) extras.Add(pod.Describe());
        if (Dashboard.Port is { } dashboard) extras.Add($"dashboard port {dashboard}");
        if (Health.Port is { } health) extras.Add($"health port {health}");
        if (Telemetry.PrometheusPort is { } metrics) extras.Add($"metrics port {metrics}");
        if (Telemetry.OtlpEndpoint is { } otlp) extras.Add($"otlp {otlp}");
        return extras.Count == 0 ? "" : ", " + string.Join(", ", extras);
    }
}
