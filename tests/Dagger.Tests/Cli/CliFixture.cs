using System.Diagnostics;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>
/// Builds the <c>dagger</c> command line once per test run (Release, into <c>.dagger/cli-tests</c>, under the same
/// lock the <c>./dagger</c> wrapper takes, since both build the same projects) and runs it as a separate process
/// from the repository root, the way a user does.
/// </summary>
public sealed class CliFixture : IAsyncLifetime
{
    /// <summary>Generous bound for one command; the commands tested here take about a second each.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    public string RepoRoot { get; } = CliRepoRoot.Path;

    public string Dll => Path.Combine(RepoRoot, ".dagger", "cli-tests", "dagger.dll");

    /// <summary>A private folder for the spec files a test writes; removed at the end of the run.</summary>
    public string TempDir { get; } = Path.Combine(Path.GetTempPath(), "dagger-cli-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(TempDir);
        var dagger = Path.Combine(RepoRoot, ".dagger");
        Directory.CreateDirectory(dagger);
        var log = Path.Combine(TempDir, "build.log");
        // Output goes to a file, not a pipe: build servers that outlive the build must not hold our streams open.
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, WorkingDirectory = RepoRoot };
        foreach (var arg in new[]
        {
            "-c", "flock \"$1/build.lock\" dotnet build \"$2\" -c Release -o \"$1/cli-tests\" -nologo -v q -clp:ErrorsOnly >\"$3\" 2>&1",
            "build-cli", dagger, Path.Combine(RepoRoot, "Client", "Dagger.Cli", "Dagger.Cli.csproj"), log,
        })
        {
            start.ArgumentList.Add(arg);
        }
        using var build = Process.Start(start) ?? throw new InvalidOperationException("could not start bash to build the CLI");
        using var cts = new CancellationTokenSource(BuildTimeout);
        try
        {
            await build.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            build.Kill(entireProcessTree: true);
            throw new TimeoutException($"building the CLI took more than {BuildTimeout}:\n{ReadLog(log)}");
        }
        if (build.ExitCode != 0 || !File.Exists(Dll))
            throw new InvalidOperationException($"building the CLI failed (exit {build.ExitCode}):\n{ReadLog(log)}");
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(TempDir, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up.
        }
        return Task.CompletedTask;
    }

    /// <summary>Runs <c>dagger ARGS</c> from the repository root to its end.</summary>
    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var process = Start(args);
        return await process.WaitForExitAsync(CommandTimeout);
    }

    public CliProcess Start(params string[] args) => CliProcess.Start(Dll, RepoRoot, args);

    /// <summary>Writes a spec to the private folder and returns its full path.</summary>
    public string WriteSpec(string name, string json)
    {
        var path = Path.Combine(TempDir, name);
        File.WriteAllText(path, json);
        return path;
    }

    private static string ReadLog(string path) => File.Exists(path) ? File.ReadAllText(path) : "(no build log)";
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliFixture>
{
    public const string Name = "dagger command line";
}
