using System.Text.Json;
using Dagger.Orleans.Client;
using Dagger.Orleans.Tests.Cli;
using Dagger.Orleans.Tests.Servers;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Security;

/// <summary>
/// Start-up, connection and configuration failures of <c>dagger</c> and of the silo: exactly one line naming the
/// setting or address and the cause, exit 2 for a bad setting and 1 for a server that cannot be reached.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class OneLineErrorTests(CliFixture cli)
{
    [Fact]
    public async Task A_gateway_that_does_not_answer_is_one_line_naming_the_address_with_exit_1()
    {
        var port = ServerProcess.FreeLoopbackPort();
        var file = cli.WriteSpec("closed-gateway.cluster.json", JsonSerializer.Serialize(new { clusterId = "dev", gateways = new[] { $"127.0.0.1:{port}" } }));

        var result = await cli.RunAsync("list", "--cluster", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("refused", line, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_client_gives_up_on_gateways_that_do_not_answer_within_5_seconds_by_default() =>
        Assert.True(DaggerClient.ConnectTimeout <= TimeSpan.FromSeconds(3), $"ConnectTimeout is {DaggerClient.ConnectTimeout}: with process start-up and Orleans' unwinding a command would take over 5 s");

    [Fact]
    public async Task A_cluster_file_naming_a_certificate_that_does_not_exist_is_one_line_naming_the_key_with_exit_2()
    {
        var file = cli.WriteSpec("missing-cert.cluster.json", """
            { "clusterId": "dev", "gateways": ["127.0.0.1:30000"], "tls": { "certificate": "no-such.pem", "caCertificate": "no-such-ca.pem" } }
            """);

        var result = await cli.RunAsync("status", "x", "--cluster", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("tls.certificate", line, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(cli.TempDir, "no-such.pem"), line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_nats_server_stops_the_silo_with_one_line_naming_the_url_and_exit_1()
    {
        var url = $"nats://127.0.0.1:{ServerProcess.FreeLoopbackPort()}";

        var result = await RunSiloAsync($"--Dagger:Nats:Url={url}");

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(url, line, StringComparison.Ordinal);
        Assert.Contains("Url", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_mqtt_broker_stops_the_silo_with_one_line_naming_the_address_and_exit_1()
    {
        var port = ServerProcess.FreeLoopbackPort();

        var result = await RunSiloAsync("--Dagger:Mqtt:Server=127.0.0.1", $"--Dagger:Mqtt:Port={port}");

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("Server/Port", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_nats_url_stops_the_silo_with_one_line_naming_the_setting_and_exit_2()
    {
        var result = await RunSiloAsync("--Dagger:Nats:Url=nats//127.0.0.1:4222");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("Url 'nats//127.0.0.1:4222' is not a NATS server URL", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_assembly_that_is_not_an_assembly_stops_the_silo_with_one_line_naming_it_and_exit_2()
    {
        var notAnAssembly = cli.WriteSpec("not-an-assembly.dll", "this is text, not IL");

        var result = await RunSiloAsync($"--Dagger:OperatorAssemblies:0={notAnAssembly}");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains($"operator assembly '{notAnAssembly}' is not a .NET assembly", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_verbose_the_silo_shows_its_log_and_the_stack_trace_as_well()
    {
        var notAnAssembly = cli.WriteSpec("not-an-assembly-verbose.dll", "this is text, not IL");

        var result = await RunSiloAsync($"--Dagger:OperatorAssemblies:0={notAnAssembly}", "--verbose");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.StartsWith("dagger silo: start-up failed:", StringComparison.Ordinal));
        Assert.Contains(result.StderrLines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tls_certificate_that_does_not_exist_stops_the_silo_with_one_line_naming_the_setting_and_exit_2()
    {
        var missing = Path.Combine(cli.TempDir, "no-such-silo.pem");

        var result = await RunSiloAsync($"--Dagger:Tls:Certificate={missing}", $"--Dagger:Tls:CaCertificate={missing}");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains($"Dagger:Tls:Certificate '{missing}' does not exist", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_profile_that_requires_tls_refuses_to_start_on_plain_tcp_with_exit_2()
    {
        var result = await RunSiloAsync("--Dagger:Tls:Required=true");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("Dagger:Tls:Required", line, StringComparison.Ordinal);
        Assert.Contains("Dagger:Tls:Certificate", line, StringComparison.Ordinal);
    }

    private static async Task<CliResult> RunSiloAsync(params string[] settings)
    {
        var dir = CliRepoRoot.File($"Silo/bin/{new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name}/net10.0");
        using var silo = CliProcess.Start(Path.Combine(dir, "Dagger.Orleans.Silo.dll"), dir,
        [
            $"--Dagger:Silo:SiloPort={ServerProcess.FreeLoopbackPort()}", $"--Dagger:Silo:GatewayPort={ServerProcess.FreeLoopbackPort()}",
            .. settings,
        ]);
        var result = await silo.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal("", result.Stdout);
        return result;
    }
}
