using Dagger.Orleans.Tests.Cli;

namespace Dagger.Orleans.Tests.Placement;

/// <summary>
/// Two real silo processes configured through their settings — the first <c>Dagger:Silo:Accelerator=gpu</c>, the
/// second <c>cpu</c> — and the cluster file that joins them.
/// </summary>
public sealed class GpuAndCpuSiloProcesses : SiloProcessCluster
{
    protected override IEnumerable<string> SiloSettingsOf(int index) => [$"--Dagger:Silo:Accelerator={(index == 0 ? "gpu" : "cpu")}"];
}
