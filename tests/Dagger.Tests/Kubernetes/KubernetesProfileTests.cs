using System.Net;
using System.Text.Json;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.Cli;
using Dagger.Orleans.Tests.Membership;
using Dagger.Orleans.Tests.Security;
using Dagger.Orleans.Tests.Servers;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Kubernetes;

/// <summary>
/// A silo process started with <c>--profile kubernetes</c> in a fake pod: the downward API's variables, membership on a
/// real Azurite, and a fake Kubernetes API for Orleans' Kubernetes agent (no cluster can run here). The profile runs
/// mutual TLS: the certificates come the way a pod's would, as environment variables naming the mounted Secret's files.
/// </summary>
public sealed class KubernetesProfileTests : IAsyncLifetime
{
    private const string Namespace = "dagger-test";
    private readonly AzuriteFixture _azurite = new();
    private readonly string _tlsDirectory = Path.Combine(Path.GetTempPath(), "dagger-k8s-tls-" + Guid.NewGuid().ToString("N")[..8]);
    private TestCertificateAuthority _authority = null!;
    private readonly string _pod = "dagger-silo-" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _clusterId = MembershipTables.NewClusterId();
    private FakeKubernetesApi _api = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _api = new FakeKubernetesApi(Namespace, _pod);
        _authority = new TestCertificateAuthority("Dagger k8s test CA", _tlsDirectory);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        _authority.Dispose();
        await _azurite.DisposeAsync();
        Directory.Delete(_tlsDirectory, recursive: true);
    }

    /// <summary>The downward API's variables, and the silo's certificate as a pod's environment names it (over the profile's /etc/dagger/tls).</summary>
    private Dictionary<string, string?> PodEnvironment(IssuedCertificate? tls) => new()
    {
        ["POD_NAME"] = _pod, ["POD_NAMESPACE"] = Namespace, ["POD_IP"] = "127.0.0.1",
        ["Dagger__Tls__Certificate"] = tls?.Certificate, ["Dagger__Tls__Key"] = tls?.Key, ["Dagger__Tls__CaCertificate"] = tls?.CaCertificate,
    };

    [Fact]
    public async Task A_silo_in_a_pod_without_the_tls_secret_does_not_start_and_names_the_secret()
    {
        using var silo = CliProcess.Start(AzureSiloProcesses.SiloDll, Path.GetDirectoryName(AzureSiloProcesses.SiloDll)!,
            ["--profile", "kubernetes", $"--Dagger:Clustering:AzureStorage={_azurite.ConnectionString}", $"--Dagger:State:AzureStorage={_azurite.ConnectionString}"],
            new Dictionary<string, string?> { ["POD_NAME"] = _pod, ["POD_NAMESPACE"] = Namespace, ["POD_IP"] = "127.0.0.1" });
        var exit = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exit.ExitCode);
        Assert.Contains("Dagger:Tls:Certificate '/etc/dagger/tls/tls.crt' does not exist", exit.Stderr, StringComparison.Ordinal);
        Assert.Contains("Secret 'dagger-tls'", exit.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_in_a_pod_takes_its_name_namespace_and_address_from_the_downward_api_and_labels_its_pod()
    {
        var (siloPort, gatewayPort, healthPort, metricsPort) = (ServerProcess.FreeLoopbackPort(), ServerProcess.FreeLoopbackPort(), ServerProcess.FreeLoopbackPort(), ServerProcess.FreeLoopbackPort());
        using var silo = CliProcess.Start(AzureSiloProcesses.SiloDll, Path.GetDirectoryName(AzureSiloProcesses.SiloDll)!,
            [
                "--profile", "kubernetes",
                $"--Dagger:Kubernetes:ApiServer={_api.Url}",
                $"--Dagger:Clustering:AzureStorage={_azurite.ConnectionString}",
                $"--Dagger:State:AzureStorage={_azurite.ConnectionString}",
                $"--Dagger:Silo:ClusterId={_clusterId}",
                $"--Dagger:Silo:SiloPort={siloPort}", $"--Dagger:Silo:GatewayPort={gatewayPort}",
                $"--Dagger:Health:Port={healthPort}", $"--Dagger:Telemetry:PrometheusPort={metricsPort}",
                "--Logging:LogLevel:Default=Warning",
            ],
            PodEnvironment(_authority.IssueSilo("silo")));
        var ready = await silo.WaitForStderrLineAsync(l => l.StartsWith("dagger silo ready", StringComparison.Ordinal), TimeSpan.FromSeconds(90));

        Assert.Contains($"profile kubernetes, cluster {_clusterId}", silo.StderrLine(ready), StringComparison.Ordinal);
        Assert.Contains($"pod {_pod} in namespace {Namespace}, IP 127.0.0.1", silo.StderrLine(ready), StringComparison.Ordinal);
        // The membership row carries the pod's name and the address the downward API gave.
        var table = await MembershipTables.OpenAsync(_azurite.ConnectionString, _clusterId);
        var row = Assert.Single((await table.ReadAllAsync(CancellationToken.None)).Members, m => m.Item1.SiloAddress.Endpoint.Port == siloPort).Item1;
        Assert.Equal(_pod, row.SiloName);
        Assert.Equal(IPAddress.Loopback, row.SiloAddress.Endpoint.Address);
        Assert.Equal(global::Orleans.Runtime.SiloStatus.Active, row.Status);
        // Orleans' Kubernetes agent found its pod by that name and namespace and labelled it with the cluster.
        Assert.Contains(_api.Requests, r => r.Method == "GET" && r.PathAndQuery == $"/api/v1/namespaces/{Namespace}/pods/{_pod}");
        Assert.Equal(_clusterId, _api.PodLabels.GetValueOrDefault("orleans/clusterId"));
        Assert.Equal("dagger", _api.PodLabels.GetValueOrDefault("orleans/serviceId"));

        // The probes the Deployment uses, and the silo takes work.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var readiness = await http.GetAsync($"http://127.0.0.1:{healthPort}/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, readiness.StatusCode);
        Assert.Equal("Active", (await readiness.Content.ReadAsStringAsync()).Trim());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{healthPort}/healthz/live")).StatusCode);
        var clusterFile = Path.Combine(Path.GetTempPath(), $"dagger-{_clusterId}.json");
        await File.WriteAllTextAsync(clusterFile, JsonSerializer.Serialize(new { clusterId = _clusterId, serviceId = "dagger", azureTables = _azurite.ConnectionString, tls = _authority.IssueClient("client").ClusterFileTls }));
        try
        {
            await using var dagger = await DaggerClient.ConnectAsync(ClusterFile.Load(clusterFile));
            var run = await dagger.SubmitAsync(new DagBuilder("in-a-pod").Node("src", "range", new { count = 100 }).Node("out", "sum").Edge("src", "out").Build());
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var status = await run.WaitAsync(TimeSpan.FromMilliseconds(100), cts.Token);
            Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}");
            Assert.Equal("4950", status.Results["out"]);
        }
        finally
        {
            File.Delete(clusterFile);
        }
        await silo.InterruptAsync();
        var exit = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit.ExitCode == 0, exit.ToString());
    }
}
