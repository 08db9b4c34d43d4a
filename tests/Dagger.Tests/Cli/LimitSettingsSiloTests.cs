using Dagger.Orleans.Tests.Membership;
using Dagger.Orleans.Tests.Servers;
using Xunit;

namespace Dagger.Orleans.Tests.Cli;

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
