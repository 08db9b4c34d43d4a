using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>The silo host refuses bad configuration before it starts, naming what is wrong.</summary>
public sealed class SiloHostTests
{
    private static string SiloDirectory() =>
        CliRepoRoot.File($"Silo/bin/{new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name}/net10.0");

    private static async Task<CliResult> RunSiloAsync(params string[] args)
    {
        var dir = SiloDirectory();
        using var silo = CliProcess.Start(Path.Combine(dir, "Dagger.Orleans.Silo.dll"), dir, args);
        return await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_misspelt_setting_stops_the_silo_with_exit_2_naming_the_setting()
    {
        var result = await RunSiloAsync("--Dagger:Silo:Windw=3");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.StartsWith("dagger silo:", StringComparison.Ordinal) && l.Contains("'Windw'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_profile_without_a_settings_file_stops_the_silo_naming_the_file()
    {
        var result = await RunSiloAsync("--profile", "nosuch");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("appsettings.nosuch.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_window_of_zero_stops_the_silo_naming_the_setting()
    {
        var result = await RunSiloAsync("--Dagger:Silo:Window=0");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.Contains("Dagger:Silo:Window must be positive", StringComparison.Ordinal));
    }
}
