using Dagger.Orleans.Discovery;

namespace Dagger.Orleans.Cli.Timeline;

/// <summary>Writes a run's timeline chart to a <c>.svg</c> or <c>.png</c> file, by its extension.</summary>
internal static class TimelineFile
{
    /// <summary>Null when <paramref name="path"/> names a format this writes; else what is wrong, to print.</summary>
    public static string? Problem(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".svg" or ".png")) return $"timeline file '{path}': the name must end in .svg or .png (got '{extension}')";
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        return directory is not null && !Directory.Exists(directory) ? $"timeline file '{path}': folder '{directory}' does not exist" : null;
    }

    public static void Write(string path, string title, IReadOnlyList<TimelineLane> lanes)
    {
        var chart = new TimelineChart(title, lanes, DateTimeOffset.UtcNow);
        using var file = File.Create(path);
        if (Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase))
        {
            using var png = new PngCanvas((int)TimelineChart.ChartWidth, (int)Math.Ceiling(chart.Height));
            chart.Draw(png);
            png.Save(file);
        }
        else
        {
            using var svg = new SvgCanvas(file, TimelineChart.ChartWidth, chart.Height, title);
            chart.Draw(svg);
        }
    }
}
