using System.Globalization;
using System.Text;
using System.Xml;

namespace Dagger.Orleans.Cli.Timeline;

/// <summary>Writes the chart as SVG by hand (an XmlWriter, so node ids and silo names are escaped).</summary>
internal sealed class SvgCanvas : IChartCanvas, IDisposable
{
    private readonly XmlWriter _xml;

    public SvgCanvas(Stream output, double width, double height, string title)
    {
        _xml = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) });
        _xml.WriteStartElement("svg", "http://www.w3.org/2000/svg");
        _xml.WriteAttributeString("width", N(width));
        _xml.WriteAttributeString("height", N(height));
        _xml.WriteAttributeString("viewBox", $"0 0 {N(width)} {N(height)}");
        _xml.WriteAttributeString("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif");
        _xml.WriteElementString("title", title);
    }

    public void BeginGroup(string cssClass, IReadOnlyList<(string Name, string Value)>? data = null)
    {
        _xml.WriteStartElement("g");
        _xml.WriteAttributeString("class", cssClass);
        foreach (var (name, value) in data ?? []) _xml.WriteAttributeString("data-" + name, value);
    }

    public void EndGroup() => _xml.WriteEndElement();

    public void Rect(double x, double y, double width, double height, string fill, string? cssClass = null, string? tooltip = null)
    {
        _xml.WriteStartElement("rect");
        if (cssClass is not null) _xml.WriteAttributeString("class", cssClass);
        _xml.WriteAttributeString("x", N(x));
        _xml.WriteAttributeString("y", N(y));
        _xml.WriteAttributeString("width", N(width));
        _xml.WriteAttributeString("height", N(height));
        _xml.WriteAttributeString("fill", fill);
        if (tooltip is not null) _xml.WriteElementString("title", tooltip);
        _xml.WriteEndElement();
    }

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1)
    {
        _xml.WriteStartElement("line");
        _xml.WriteAttributeString("x1", N(x1));
        _xml.WriteAttributeString("y1", N(y1));
        _xml.WriteAttributeString("x2", N(x2));
        _xml.WriteAttributeString("y2", N(y2));
        _xml.WriteAttributeString("stroke", stroke);
        _xml.WriteAttributeString("stroke-width", N(width));
        _xml.WriteEndElement();
    }

    public void Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double width, string? cssClass = null)
    {
        _xml.WriteStartElement("polyline");
        if (cssClass is not null) _xml.WriteAttributeString("class", cssClass);
        _xml.WriteAttributeString("points", string.Join(' ', points.Select(p => $"{N(p.X)},{N(p.Y)}")));
        _xml.WriteAttributeString("fill", "none");
        _xml.WriteAttributeString("stroke", stroke);
        _xml.WriteAttributeString("stroke-width", N(width));
        _xml.WriteEndElement();
    }

    public void Text(double x, double y, string text, double size, string fill, TextAnchor anchor = TextAnchor.Start, bool bold = false)
    {
        _xml.WriteStartElement("text");
        _xml.WriteAttributeString("x", N(x));
        _xml.WriteAttributeString("y", N(y));
        _xml.WriteAttributeString("font-size", N(size));
        _xml.WriteAttributeString("fill", fill);
        if (anchor != TextAnchor.Start) _xml.WriteAttributeString("text-anchor", anchor == TextAnchor.Middle ? "middle" : "end");
        if (bold) _xml.WriteAttributeString("font-weight", "bold");
        _xml.WriteString(text);
        _xml.WriteEndElement();
    }

    public void Dispose()
    {
        _xml.WriteEndElement();
        _xml.Dispose();
    }

    private static string N(double value) => Math.Round(value, 2).ToString(CultureInfo.InvariantCulture);
}
