using SkiaSharp;

namespace Dagger.Orleans.Cli.Timeline;

/// <summary>Draws the chart into a PNG with SkiaSharp (the library ScottPlot draws with; its Linux native library comes with the package).</summary>
internal sealed class PngCanvas : IChartCanvas, IDisposable
{
    private readonly SKSurface _surface;
    private readonly SKCanvas _canvas;

    public PngCanvas(int width, int height)
    {
        _surface = SKSurface.Create(new SKImageInfo(width, height)) ?? throw new InvalidOperationException($"SkiaSharp could not make a {width}×{height} image");
        _canvas = _surface.Canvas;
        _canvas.Clear(SKColors.White);
    }

    public void BeginGroup(string cssClass, IReadOnlyList<(string Name, string Value)>? data = null)
    {
    }

    public void EndGroup()
    {
    }

    public void Rect(double x, double y, double width, double height, string fill, string? cssClass = null, string? tooltip = null)
    {
        using var paint = new SKPaint { Color = SKColor.Parse(fill), Style = SKPaintStyle.Fill };
        _canvas.DrawRect((float)x, (float)y, (float)width, (float)height, paint);
    }

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1)
    {
        using var paint = Stroke(stroke, width);
        _canvas.DrawLine((float)x1, (float)y1, (float)x2, (float)y2, paint);
    }

    public void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double width, string? cssClass = null)
    {
        if (points.Count < 2) return;
        using var paint = Stroke(stroke, width);
        using var path = new SKPath();
        path.MoveTo((float)points[0].X, (float)points[0].Y);
        for (var i = 1; i < points.Count; i++) path.LineTo((float)points[i].X, (float)points[i].Y);
        _canvas.DrawPath(path, paint);
    }

    public void Text(double x, double y, string text, double size, string fill, TextAnchor anchor = TextAnchor.Start, bool bold = false)
    {
        using var typeface = SKTypeface.FromFamilyName(null, bold ? SKFontStyle.Bold : SKFontStyle.Normal);
        using var font = new SKFont(typeface, (float)size);
        using var paint = new SKPaint { Color = SKColor.Parse(fill), IsAntialias = true };
        var align = anchor switch { TextAnchor.Middle => SKTextAlign.Center, TextAnchor.End => SKTextAlign.Right, _ => SKTextAlign.Left };
        _canvas.DrawText(text, (float)x, (float)y, align, font, paint);
    }

    /// <summary>Writes the image as PNG.</summary>
    public void Save(Stream output)
    {
        using var image = _surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        png.SaveTo(output);
    }

    public void Dispose() => _surface.Dispose();

    private static SKPaint Stroke(string color, double width) =>
        new() { Color = SKColor.Parse(color), Style = SKPaintStyle.Stroke, StrokeWidth = (float)width, IsAntialias = true };
}
