using Dagger.Orleans.Tests.Cli;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Security;

/// <summary>
/// Mutual TLS between two real silo processes and the <c>dagger</c> command line: only a party with a certificate
/// from the cluster's CA gets in, and one that does not is told why in one line.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class TlsClusterTests(CliFixture cli, TlsSiloCluster cluster) : IClassFixture<TlsSiloCluster>
{
    [Fact]
    public async Task A_client_with_a_certificate_from_the_cluster_CA_runs_a_spec_on_both_silos()
    {
        var result = await cli.RunAsync("run", "examples/sleep10.json", "--cluster", cluster.ClusterFile);

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = result.Document();
        Assert.Equal("Completed", document.GetProperty("status").GetString());
        Assert.Equal(10, document.GetProperty("results").GetProperty("out").GetInt32());
        var nodes = document.GetProperty("stats").GetProperty("nodes");
        // Both silos ran tasks: they talk to each other over TLS too.
        Assert.Equal(2, Enumerable.Range(0, 10).Select(i => nodes.GetProperty($"task{i}").GetProperty("silo").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task A_client_without_a_certificate_cannot_connect_and_says_so_in_one_line_with_exit_1()
    {
        var plain = cluster.WriteClusterFile(cli, "tls-none.cluster.json", tls: null);

        var result = await cli.RunAsync("list", "--cluster", plain);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("dagger: cannot connect to cluster", line, StringComparison.Ordinal);
        Assert.Contains(cluster.Gateways[0], line, StringComparison.Ordinal);
        Assert.Contains("'tls'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_with_a_certificate_from_another_CA_cannot_connect_and_the_line_names_TLS()
    {
        var stranger = cluster.WriteClusterFile(cli, "tls-stranger.cluster.json", cluster.StrangerClientCertificate.ClusterFileTls);

        var result = await cli.RunAsync("run", "examples/quickstart.json", "--cluster", stranger);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(cluster.Gateways[0], line, StringComparison.Ordinal);
        Assert.Contains("TLS", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_trusts_the_cluster_but_holds_a_strangers_certificate_is_turned_away()
    {
        // The client would accept the silos; the silos must refuse the client.
        var tls = new { certificate = cluster.StrangerClientCertificate.Certificate, key = cluster.StrangerClientCertificate.Key, caCertificate = cluster.ClientCertificate.CaCertificate };
        var file = cluster.WriteClusterFile(cli, "tls-stranger-trusting.cluster.json", tls);

        var result = await cli.RunAsync("list", "--cluster", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Single(result.StderrLines);
    }

    [Fact]
    public async Task A_client_with_the_right_certificate_but_another_cluster_id_is_told_the_cluster_id_in_one_line()
    {
        var file = cluster.WriteClusterFile(cli, "tls-wrong-id.cluster.json", cluster.ClientCertificate.ClusterFileTls, clusterId: "no-such-cluster");

        var result = await cli.RunAsync("list", "--cluster", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("'no-such-cluster'", line, StringComparison.Ordinal);
        Assert.Contains("cluster id", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_with_a_certificate_from_another_CA_cannot_join_and_stops_with_one_line()
    {
        var dir = CliRepoRoot.File($"Silo/bin/{new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name}/net10.0");
        using var silo = CliProcess.Start(Path.Combine(dir, "Dagger.Orleans.Silo.dll"), dir,
        [
            $"--Dagger:Silo:SiloPort={Servers.ServerProcess.FreeLoopbackPort()}", $"--Dagger:Silo:GatewayPort={Servers.ServerProcess.FreeLoopbackPort()}",
            $"--Dagger:Silo:ClusterId={cluster.ClusterId}", $"--Dagger:Silo:PrimarySiloPort={cluster.PrimarySiloPort}",
            "--Dagger:Silo:StartTimeout=00:00:15",
            .. cluster.StrangerSiloCertificate.SiloSettings,
        ]);

        var result = await silo.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("dagger silo: start-up failed:", line, StringComparison.Ordinal);
        Assert.Contains("TLS", line, StringComparison.Ordinal);
        // The cluster is unharmed: a trusted client still runs a spec.
        var run = await cli.RunAsync("run", "examples/quickstart.json", "--cluster", cluster.ClusterFile);
        Assert.True(run.ExitCode == 0, run.ToString());
    }
}
