using System.Text.Json;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.TestSupport;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Embedded;

/// <summary>The README's worked example: an operator in its own assembly, loaded by the silo by path.</summary>
public sealed class UserOperatorTests
{
    private static string ClampAssembly()
    {
        // The test binaries sit in tests/Dagger.Tests/bin/<Configuration>/net10.0: the example was built alongside.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = CliRepoRoot.File($"examples/operators/Clamp/bin/{configuration}/net10.0/Dagger.Examples.Clamp.dll");
        Assert.True(File.Exists(path), $"the example operator was not built: {path} (build the solution)");
        return path;
    }

    [Fact]
    public async Task An_operator_from_a_separately_built_assembly_runs_in_an_embedded_silo()
    {
        await using var dagger = await DaggerClient.StartEmbeddedAsync(o => o.OperatorAssemblies.Add(ClampAssembly()));
        Assert.True(dagger.Catalog.TryGet("clamp", out var clamp));
        Assert.Equal(["min", "max"], clamp.Args.Select(a => a.Name));

        var run = await dagger.SubmitAsync(new DagBuilder()
            .Node("src", "range", new { start = -5, count = 11 }).Node("c", "clamp", new { min = -2, max = 3 }).Node("out", "collect")
            .Edge("src", "c").Edge("c", "out").Build());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var status = await run.WaitAsync(cancellation: cts.Token);

        Assert.Equal(DagState.Completed, status.State);
        Assert.Equal([-2, -2, -2, -2, -1, 0, 1, 2, 3, 3, 3], JsonSerializer.Deserialize<double[]>(status.Results["out"])!);
    }

    [Fact]
    public async Task A_missing_operator_assembly_fails_silo_start_up_naming_the_path()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "Missing.Operators.dll");
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => DaggerClient.StartEmbeddedAsync(o => o.OperatorAssemblies.Add(missing)));
        Assert.Contains(missing, error.Message);
    }
}
