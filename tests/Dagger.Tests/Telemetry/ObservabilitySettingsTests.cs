using Dagger.Orleans.Tests.Cli;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Telemetry;

/// <summary>Every telemetry, dashboard and Kubernetes setting is checked at silo start, and a bad one named.</summary>
public sealed class ObservabilitySettingsTests
{
    private static async Task<CliResult> RunSiloAsync(IDictionary<string, string?>? environment, params string[] args)
    {
        var dir = CliRepoRoot.File($"Silo/bin/{new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name}/net10.0");
        using var silo = CliProcess.Start(Path.Combine(dir, "Dagger.Orleans.Silo.dll"), dir, args, environment);
        return await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    [Theory]
    [InlineData("--Dagger:Telemetry:PrometheusPort=0", "Dagger:Telemetry:PrometheusPort 0 is not a TCP port")]
    [InlineData("--Dagger:Telemetry:PrometheusPort=http", "PrometheusPort")]
    [InlineData("--Dagger:Telemetry:Otlp=collector:4317", "Dagger:Telemetry:Otlp 'collector:4317' is not an http or https URL")]
    [InlineData("--Dagger:Telemetry:OtlpProtocol=udp", "Dagger:Telemetry:OtlpProtocol 'udp' is not one of grpc, http/protobuf")]
    [InlineData("--Dagger:Telemetry:Prometheus=9464", "'Prometheus'")]
    [InlineData("--Dagger:Dashboard:Port=70000", "Dagger:Dashboard:Port 70000 is not a TCP port")]
    [InlineData("--Dagger:Dashboard:Host=anywhere", "Dagger:Dashboard:Host 'anywhere' is neither * nor an IP address")]
    [InlineData("--Dagger:Kubernetes:Enabled=true", "set Dagger:Clustering:Provider to 'azure'")]
    public async Task A_bad_setting_stops_the_silo_with_exit_2_naming_it(string setting, string message)
    {
        var result = await RunSiloAsync(new Dictionary<string, string?> { ["POD_NAME"] = "silo-0", ["POD_NAMESPACE"] = "dagger" }, setting);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.StartsWith("dagger silo:", StringComparison.Ordinal) && l.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_kubernetes_profile_outside_a_pod_names_the_downward_api_variable_it_misses()
    {
        var result = await RunSiloAsync(new Dictionary<string, string?> { ["POD_NAME"] = null, ["POD_NAMESPACE"] = null }, "--profile", "kubernetes",
            "--Dagger:Clustering:AzureStorage=UseDevelopmentStorage=true", "--Dagger:State:AzureStorage=UseDevelopmentStorage=true");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("the environment variable POD_NAME is not set", StringComparison.Ordinal));
    }
}
