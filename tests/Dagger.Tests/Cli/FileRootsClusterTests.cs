using Dagger.Orleans.Tests.Membership;
using Dagger.Orleans.Tests.Servers;
using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>Two silo processes whose only file root is a directory of their own (<c>Dagger:Files:Roots:0</c>).</summary>
public sealed class FileRootsSiloCluster : SiloProcessCluster
{
    public string Root { get; } = Directory.CreateTempSubdirectory("dagger-cluster-root-").FullName;

    public FileRootsSiloCluster() => File.WriteAllBytes(Path.Combine(Root, "four.cu8"), [0, 255, 255, 0, 128, 128, 0, 0]);

    protected override IEnumerable<string> SiloSettings => [$"--Dagger:Files:Roots:0={Root}"];

    protected override Task AfterSilosAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Issue 18's reproduction: on a cluster, <c>iq_file</c> read <c>/etc/passwd</c> byte for byte. Now the silos refuse any
/// path outside their roots at validation (<c>validate</c> and <c>run</c> alike), and read what is under them.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class FileRootsClusterTests(CliFixture cli, FileRootsSiloCluster cluster) : IClassFixture<FileRootsSiloCluster>
{
    private string IqSpec(string name, string path) => cli.WriteSpec(name, $$"""
        { "nodes": [ { "id": "src", "op": "iq_file", "args": { "path": {{System.Text.Json.JsonSerializer.Serialize(path)}}, "format": "cu8", "width": 1 } },
                     { "id": "out", "op": "count" } ],
          "edges": [ { "from": "src", "to": "out" } ] }
        """);

    [Fact]
    public async Task Etc_passwd_is_refused_by_validate_and_by_run_on_the_cluster_before_anything_runs()
    {
        var spec = IqSpec("roots-passwd.json", "/etc/passwd");

        var validate = await cli.RunAsync("validate", spec, "--cluster", cluster.ClusterFile);
        var run = await cli.RunAsync("run", spec, "--cluster", cluster.ClusterFile);

        var refusal = $"node 'src': argument 'path' of operator 'iq_file': '/etc/passwd' is refused: specs may read files only under {cluster.Root} (Dagger:Files:Roots)";
        Assert.True(validate.ExitCode == 2, validate.ToString());
        Assert.Contains(validate.StderrLines, l => l.Trim() == refusal);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(refusal, run.Stderr);
        Assert.DoesNotContain("root:", run.Stdout + run.Stderr);
    }

    [Fact]
    public async Task Whether_a_refused_file_exists_does_not_show_in_the_message()
    {
        var shadow = await cli.RunAsync("validate", IqSpec("roots-shadow.json", "/etc/shadow"), "--cluster", cluster.ClusterFile);
        var missing = await cli.RunAsync("validate", IqSpec("roots-missing.json", "/etc/no-such-file-anywhere"), "--cluster", cluster.ClusterFile);

        Assert.Equal(2, shadow.ExitCode);
        Assert.Equal(shadow.StderrLines.Skip(1).Select(l => l.Replace("/etc/shadow", "X")), missing.StderrLines.Skip(1).Select(l => l.Replace("/etc/no-such-file-anywhere", "X")));
    }

    [Fact]
    public async Task A_file_under_the_root_runs_named_relative_to_the_root()
    {
        var run = await cli.RunAsync("run", IqSpec("roots-inside.json", "four.cu8"), "--cluster", cluster.ClusterFile);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(4, run.Document().GetProperty("results").GetProperty("out").GetInt64());
    }
}

/// <summary>Bad limit and file-root settings stop a silo process at start, naming the setting.</summary>
public sealed class LimitSettingsSiloTests
{
    [Theory]
    [InlineData("--Dagger:Limits:MaxNodes=0", "DaggerOptions.Limits.MaxNodes must be positive (got 0)")]
    [InlineData("--Dagger:Limits:MaxNodez=5", "MaxNodez")]
    [InlineData("--Dagger:Files:Roots:0=/no/such/dagger/root", "'/no/such/dagger/root' is not an existing directory")]
    [InlineData("--Dagger:Files:Root=/tmp", "Dagger:Files:Root is not a setting")]
    [InlineData("--Dagger:MaxResultBytes=0", "DaggerOptions.MaxResultBytes must be positive (got 0)")]
    public async Task A_bad_setting_stops_the_silo_naming_it(string setting, string named)
    {
        using var silo = CliProcess.Start(AzureSiloProcesses.SiloDll, Path.GetDirectoryName(AzureSiloProcesses.SiloDll)!,
            [setting, $"--Dagger:Silo:SiloPort={ServerProcess.FreeLoopbackPort()}", $"--Dagger:Silo:GatewayPort={ServerProcess.FreeLoopbackPort()}"]);
        var result = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(named, result.Stderr);
    }
}

/// <summary>Issue 18's reproduction: <c>collect</c> on an endless source once grew to 7 GB and died without a result document.</summary>
[Collection(CliCollection.Name)]
public sealed class ResultCapCommandTests(CliFixture cli)
{
    [Fact]
    public async Task Collect_on_an_endless_source_fails_at_the_default_cap_with_a_result_document_naming_node_and_cap()
    {
        var spec = cli.WriteSpec("endless-collect.json", """
            { "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "collect" } ],
              "edges": [ { "from": "src", "to": "out" } ] }
            """);

        var result = await cli.RunAsync("run", spec);

        Assert.True(result.ExitCode == 1, result.ToString());
        var document = result.Document();
        Assert.Equal("Failed", document.GetProperty("status").GetString());
        Assert.Contains("node 'out': its result grew past the cap of 67108864 bytes", document.GetProperty("error").GetString());
    }
}

/// <summary><c>dagger run --fail-on-stall</c>: the stall shows on the progress line, and the run ends Failed with it.</summary>
[Collection(CliCollection.Name)]
public sealed class StallCommandTests(CliFixture cli)
{
    [Fact]
    public async Task Run_with_fail_on_stall_ends_a_wedged_run_as_failed_with_the_stall_message()
    {
        var spec = cli.WriteSpec("wedged.json", """
            { "nodes": [ { "id": "src", "op": "range", "args": { "count": 5000 } }, { "id": "slow", "op": "sleep", "args": { "ms": 600000 } },
                         { "id": "out", "op": "count" } ],
              "edges": [ { "from": "src", "to": "slow" }, { "from": "slow", "to": "out" } ] }
            """);

        var result = await cli.RunAsync("run", spec, "--stall-after", "1", "--fail-on-stall");

        Assert.True(result.ExitCode == 1, result.ToString());
        var document = result.Document();
        Assert.Equal("Failed", document.GetProperty("status").GetString());
        Assert.StartsWith("stalled: node slow waiting for batch 1 on edge src -> slow since ", document.GetProperty("error").GetString());
        Assert.Contains(result.StderrLines, l => l.Contains("; stalled: node slow waiting for batch 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stall_after_with_a_cluster_is_refused_as_the_cluster_sets_its_own()
    {
        var spec = cli.WriteSpec("stall-cluster.json", """{ "nodes": [ { "id": "src", "op": "range", "args": { "count": 1 } }, { "id": "out", "op": "count" } ], "edges": [ { "from": "src", "to": "out" } ] }""");

        var result = await cli.RunAsync("run", spec, "--cluster", "nowhere.json", "--stall-after", "5");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--stall-after sets the embedded silo's stall period", result.Stderr);
    }
}
