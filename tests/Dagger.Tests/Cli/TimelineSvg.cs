using System.Xml.Linq;
using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>A timeline chart as the tests read it: the SVG's silo groups and lanes, by their class and data attributes.</summary>
internal sealed record TimelineSvg(XDocument Document)
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static TimelineSvg Load(string path)
    {
        Assert.True(File.Exists(path), $"no timeline file at {path}");
        return new TimelineSvg(XDocument.Load(path));
    }

    public IReadOnlyList<XElement> Silos => Groups("silo");

    public IReadOnlyList<XElement> Lanes => Groups("lane");

    /// <summary>The node each lane draws, in chart order.</summary>
    public IReadOnlyList<string> LaneNodes => Lanes.Select(l => (string)l.Attribute("data-node")!).ToArray();

    /// <summary>The coloured spans of a lane: busy, waiting or stalled.</summary>
    public static IReadOnlyList<string> Spans(XElement lane) =>
        lane.Elements(Svg + "rect").Select(r => (string?)r.Attribute("class")).OfType<string>().ToArray();

    public static double Fraction(XElement lane, string activity) =>
        double.Parse((string)lane.Attribute("data-" + activity)!, System.Globalization.CultureInfo.InvariantCulture);

    private IReadOnlyList<XElement> Groups(string cssClass) =>
        Document.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == cssClass).ToArray();
}
