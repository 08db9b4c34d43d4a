using System.Text.Json;
using Dagger.Orleans.Tests.Cli;
using Dagger.Orleans.Tests.Servers;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Tool;

/// <summary>
/// The command line as a .NET tool: <c>dotnet pack</c> makes the package, <c>dotnet tool install --add-source</c> puts it in
/// a tool path of its own (not the machine's global tools), and the installed <c>dagger</c> runs.
/// </summary>
public sealed class DotnetToolTests : IDisposable
{
    private readonly string _dir = ServerProcess.CreateTempDirectory("dagger-tool");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_cli_packs_as_a_tool_named_dagger_that_installs_prints_its_version_and_runs_a_spec()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var packages = Path.Combine(_dir, "packages");
        var tools = Path.Combine(_dir, "tools");
        var pack = await RunAsync(CliProcess.DotnetHost, CliRepoRoot.Path,
            "pack", CliRepoRoot.File("Client/Dagger.Cli/Dagger.Cli.csproj"), "-c", configuration, "--no-build", "-o", packages, "-nologo");
        Assert.True(pack.ExitCode == 0, $"dotnet pack failed (is the solution built in {configuration}?):\n{pack.Output}");
        var package = Assert.Single(Directory.GetFiles(packages, "Dagger.Orleans.Cli.*.nupkg"));
        var version = Path.GetFileNameWithoutExtension(package)["Dagger.Orleans.Cli.".Length..];

        var install = await RunAsync(CliProcess.DotnetHost, _dir,
            "tool", "install", "Dagger.Orleans.Cli", "--tool-path", tools, "--add-source", packages, "--version", version, "--ignore-failed-sources");
        Assert.True(install.ExitCode == 0, $"dotnet tool install failed:\n{install.Output}");
        var dagger = Path.Combine(tools, OperatingSystem.IsWindows() ? "dagger.exe" : "dagger");
        Assert.True(File.Exists(dagger), $"the tool path has no 'dagger' command:\n{install.Output}");

        var printed = await RunAsync(dagger, _dir, "--version");
        Assert.True(printed.ExitCode == 0, printed.Output);
        Assert.StartsWith(version, printed.Stdout.Trim(), StringComparison.Ordinal);

        var spec = Path.Combine(_dir, "chain.json");
        await File.WriteAllTextAsync(spec, """
            { "name": "tool", "nodes": [ { "id": "src", "op": "range", "args": { "count": 100 } }, { "id": "x", "op": "scale", "args": { "factor": 2 } },
              { "id": "out", "op": "sum" } ], "edges": [ { "from": "src", "to": "x" }, { "from": "x", "to": "out" } ] }
            """);
        var run = await RunAsync(dagger, _dir, "run", spec);
        Assert.True(run.ExitCode == 0, run.Output);
        using var result = JsonDocument.Parse(run.Stdout);
        Assert.Equal("Completed", result.RootElement.GetProperty("status").GetString());
        // 2 · (0 + 1 + … + 99)
        Assert.Equal(9900, result.RootElement.GetProperty("results").GetProperty("out").GetDouble());
    }

    private static Task<ToolResult> RunAsync(string file, string directory, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };
        // The tool's launcher finds the runtime the tests run on, wherever it was installed (the SDK names its host).
        if (Path.GetDirectoryName(CliProcess.DotnetHost) is { Length: > 0 } root) environment["DOTNET_ROOT"] = root;
        return ToolRun.RunAsync(file, directory, args, TimeSpan.FromMinutes(5), environment);
    }
}
