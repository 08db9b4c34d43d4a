using ScottPlot;

namespace Dagger.Orleans.Bench.Reporting;

/// <summary>Draws a <see cref="BenchPlot"/> to a PNG with ScottPlot (SkiaSharp; its Linux native library comes with the package, no X server needed).</summary>
public static class PlotRenderer
{
    public const int Width = 1000;
    public const int Height = 560;

    /// <summary>Writes <c>{plot.Name}.png</c> into <paramref name="directory"/>; returns the file name.</summary>
    public static string Render(BenchPlot plot, string directory)
    {
        if (plot.Name.Length == 0 || plot.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
            throw new ArgumentException($"chart name '{plot.Name}': use letters, digits and '-' only (it becomes a file name)");
        // A log axis over less than a decade or so shows one label or none: draw those linearly.
        plot = plot with { LogY = plot.LogY && Span(plot) > 20 };
        var chart = new Plot();
        chart.Title(plot.Title);
        chart.YLabel(plot.LogY ? plot.YLabel + " (log scale)" : plot.YLabel);
        if (plot.Categories is { } categories) DrawBars(chart, plot, categories);
        else DrawLines(chart, plot);
        if (plot.LogY)
        {
            chart.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = y => NumberFormat.Value(Math.Pow(10, y), ""),
            };
        }
        // Bars start at the bottom, so their legend fits above them; rising lines leave the lower right free.
        chart.ShowLegend(plot.Categories is null ? Alignment.LowerRight : Alignment.UpperRight);
        var file = plot.Name + ".png";
        chart.SavePng(Path.Combine(directory, file), Width, Height);
        return file;
    }

    private static double Span(BenchPlot plot)
    {
        var values = plot.Series.SelectMany(s => s.Y).Where(v => v > 0 && !double.IsNaN(v)).ToArray();
        return values.Length == 0 ? 1 : values.Max() / values.Min();
    }

    private static double Y(BenchPlot plot, double value) => plot.LogY ? Math.Log10(Math.Max(value, 1e-9)) : value;

    private static void DrawBars(Plot chart, BenchPlot plot, IReadOnlyList<string> categories)
    {
        var groupWidth = 0.8;
        var barWidth = groupWidth / Math.Max(1, plot.Series.Count);
        var bars = new List<Bar>();
        for (var s = 0; s < plot.Series.Count; s++)
        {
            var series = plot.Series[s];
            var color = chart.Add.Palette.GetColor(s);
            for (var c = 0; c < categories.Count && c < series.Y.Count; c++)
            {
                if (double.IsNaN(series.Y[c])) continue;
                bars.Add(new Bar
                {
                    Position = c - groupWidth / 2 + barWidth * (s + 0.5),
                    Value = Y(plot, series.Y[c]),
                    ValueBase = plot.LogY ? Y(plot, LowestValue(plot)) - 0.5 : 0,
                    Size = barWidth * 0.95,
                    FillColor = color,
                    Label = NumberFormat.Value(series.Y[c], ""),
                });
            }
            chart.Legend.ManualItems.Add(new LegendItem { LabelText = series.Name, FillColor = color });
        }
        var barPlot = chart.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 11;
        chart.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray(), [.. categories]);
        chart.Axes.Bottom.MajorTickStyle.Length = 0;
        chart.HideGrid();
        chart.Axes.Margins(bottom: 0, top: 0.15);
    }

    private static double LowestValue(BenchPlot plot) =>
        plot.Series.SelectMany(s => s.Y).Where(v => v > 0 && !double.IsNaN(v)).DefaultIfEmpty(1).Min();

    private static void DrawLines(Plot chart, BenchPlot plot)
    {
        chart.XLabel(plot.XLabel ?? "");
        var ticks = new SortedSet<double>();
        foreach (var series in plot.Series)
        {
            var x = series.X ?? [.. Enumerable.Range(0, series.Y.Count).Select(i => (double)i)];
            var xs = x.Select(v => plot.LogX ? Math.Log2(v) : v).ToArray();
            var ys = series.Y.Select(v => Y(plot, v)).ToArray();
            var line = chart.Add.Scatter(xs, ys);
            line.LegendText = series.Name;
            line.LineWidth = 2;
            line.MarkerSize = 7;
            foreach (var v in x) ticks.Add(v);
        }
        if (plot.LogX)
        {
            chart.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                [.. ticks.Select(Math.Log2)], [.. ticks.Select(t => t.ToString("#,0.##", System.Globalization.CultureInfo.InvariantCulture))]);
        }
    }
}
