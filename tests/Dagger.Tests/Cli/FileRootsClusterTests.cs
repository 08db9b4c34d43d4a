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
