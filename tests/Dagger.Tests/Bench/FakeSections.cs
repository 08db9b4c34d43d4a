using Dagger.Orleans.Bench;

namespace Dagger.Orleans.Tests.Bench;

/// <summary>A section that returns fixed rows and one chart: what the runner and report tests feed in.</summary>
internal sealed class FixedSection(string name, params BenchRow[] rows) : IBenchSection
{
    public string Name => name;

    public string Title => $"fixed rows of {name}";

    public bool Ran { get; private set; }

    public Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        Ran = true;
        context.Notes.Add($"{name} note");
        context.Plots.Add(new BenchPlot($"{name}-bars", $"{name} bars", "el/s",
            [new("Dagger", [3e6, 2e5]), new("baseline", [4e6, 1e5])], ["memory", "NATS"], LogY: true));
        context.Plots.Add(new BenchPlot($"{name}-lines", $"{name} lines", "el/s",
            [new("Dagger", [1e6, 2e6, 3e6], [1, 4, 64])], XLabel: "nodes", LogX: true));
        return Task.FromResult<IReadOnlyList<BenchRow>>(rows);
    }
}

/// <summary>A section that throws, as one whose server is missing or whose DAG failed would.</summary>
internal sealed class ThrowingSection : IBenchSection
{
    public string Name => "broken";

    public string Title => "always fails";

    public Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the broker binary is missing");
}

/// <summary>A section that measures some cases but records others as failed.</summary>
internal sealed class PartlyFailingSection : IBenchSection
{
    public string Name => "partly";

    public string Title => "one case fails";

    public Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        context.Failures.Add("MQTT edge: mosquitto is not installed");
        return Task.FromResult<IReadOnlyList<BenchRow>>([new BenchRow("partly", "memory edges", "el/s", 5e6, "TPL Dataflow", 1e7)]);
    }
}
