namespace Dagger.Orleans.Bench;

/// <summary>
/// A chart for the report, as data: the runner renders it to <c>{Name}.png</c>. With <see cref="Categories"/> it is a
/// grouped bar chart (each series one value per category); without, a line chart of each series' (X, Y) points.
/// </summary>
/// <param name="Name">File name without extension, e.g. "chain-throughput"; letters, digits and '-' only.</param>
/// <param name="Title">Heading drawn on the chart.</param>
/// <param name="YLabel">What the values are, with unit.</param>
/// <param name="Series">The data; bars of one series share a colour.</param>
/// <param name="Categories">The bar groups' labels (bar chart), or null (line chart).</param>
/// <param name="XLabel">Line charts: what X is.</param>
/// <param name="LogX">Line charts: X on a log2 scale (node counts, batch sizes).</param>
/// <param name="LogY">Y on a log10 scale (values spanning orders of magnitude).</param>
public sealed record BenchPlot(
    string Name,
    string Title,
    string YLabel,
    IReadOnlyList<BenchSeries> Series,
    IReadOnlyList<string>? Categories = null,
    string? XLabel = null,
    bool LogX = false,
    bool LogY = false);

/// <summary>One named series; <see cref="X"/> is ignored in bar charts (the values follow the categories).</summary>
public sealed record BenchSeries(string Name, IReadOnlyList<double> Y, IReadOnlyList<double>? X = null);
