namespace Dagger.Orleans.Cli.Timeline;

internal enum TextAnchor { Start, Middle, End }

/// <summary>
/// The few drawing calls a timeline chart needs, so one layout (<see cref="TimelineChart"/>) draws both the SVG and the
/// PNG. Groups carry names and data for the SVG (a reader finds each lane by them); a raster canvas ignores them.
/// </summary>
internal interface IChartCanvas
{
    void BeginGroup(string cssClass, IReadOnlyList<(string Name, string Value)>? data = null);

    void EndGroup();

    void Rect(double x, double y, double width, double height, string fill, string? cssClass = null, string? tooltip = null);

    void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1);

    void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double width, string? cssClass = null);

    void Text(double x, double y, string text, double size, string fill, TextAnchor anchor = TextAnchor.Start, bool bold = false);
}
