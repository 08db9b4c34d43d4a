using System.Globalization;
using Dagger.Orleans.Discovery;

namespace Dagger.Orleans.Cli.Timeline;

/// <summary>
/// Lays a run's timeline out as a Gantt chart, like Dagger.jl's <c>render_logs</c>: one lane per node, lanes grouped
/// under the silo the node ran on (the one it spent most time on, when it moved), each lane coloured by what the node
/// did — busy, waiting for input, stalled on backpressure — with its batches per second drawn over it.
/// </summary>
internal sealed class TimelineChart
{
    public const string BusyColour = "#2e7d32";
    public const string WaitingColour = "#cfd8dc";
    public const string StalledColour = "#e65100";
    private const string RateColour = "#1565c0";
    private const double Width = 1200, Left = 240, Right = 100, LaneHeight = 20, LaneGap = 4, SiloHeader = 24, Top = 84;

    private readonly string _title;
    private readonly DateTimeOffset _t0;
    private readonly double _seconds;
    private readonly List<(string Silo, List<Node> Nodes)> _silos;

    private sealed record Node(string Id, string Op, IReadOnlyList<TimelineLane> Lanes, IReadOnlyList<string> Silos);

    public TimelineChart(string title, IReadOnlyList<TimelineLane> lanes, DateTimeOffset now)
    {
        if (lanes.Count == 0) throw new ArgumentException("the run has no recorded lanes", nameof(lanes));
        _title = title;
        _t0 = lanes.Min(l => l.Start);
        _seconds = Math.Max(1e-3, (lanes.Max(l => l.End ?? now) - _t0).TotalSeconds);
        var nodes = lanes.GroupBy(l => l.NodeId, StringComparer.Ordinal)
            .Select(g => new Node(g.Key, g.First().Op, g.ToArray(), g.Select(l => l.Silo).Distinct().ToArray()))
            .ToList();
        _silos = nodes.GroupBy(HomeSilo).Select(g => (g.Key, g.ToList())).ToList();
    }

    public double Height => Top + _silos.Sum(s => SiloHeader + s.Nodes.Count * (LaneHeight + LaneGap)) + 36;

    public static double ChartWidth => Width;

    public void Draw(IChartCanvas canvas)
    {
        canvas.Text(Left, 24, _title, 16, "#212121", bold: true);
        Legend(canvas);
        Axis(canvas);
        var y = Top;
        foreach (var (silo, nodes) in _silos)
        {
            canvas.BeginGroup("silo", [("silo", silo)]);
            canvas.Text(8, y + 16, "silo " + silo, 12, "#424242", bold: true);
            canvas.Line(8, y + SiloHeader - 2, Width - 8, y + SiloHeader - 2, "#9e9e9e");
            y += SiloHeader;
            foreach (var node in nodes)
            {
                DrawLane(canvas, node, silo, y);
                y += LaneHeight + LaneGap;
            }
            canvas.EndGroup();
        }
        canvas.Text(Left + PlotWidth / 2, y + 24, "seconds since the first node started", 11, "#616161", TextAnchor.Middle);
    }

    private static double PlotWidth => Width - Left - Right;

    private double X(DateTimeOffset t) => Left + Math.Clamp((t - _t0).TotalSeconds / _seconds, 0, 1) * PlotWidth;

    private void Legend(IChartCanvas canvas)
    {
        var x = Left;
        foreach (var (label, colour) in new[] { ("busy", BusyColour), ("waiting for input", WaitingColour), ("stalled (no room downstream)", StalledColour) })
        {
            canvas.Rect(x, 36, 12, 12, colour);
            canvas.Text(x + 16, 46, label, 11, "#424242");
            x += 24 + label.Length * 6.5;
        }
        canvas.Line(x, 42, x + 16, 42, RateColour, 1.5);
        canvas.Text(x + 20, 46, "batches per second (lane's peak at the right)", 11, "#424242");
    }

    private void Axis(IChartCanvas canvas)
    {
        var step = NiceStep(_seconds / 8);
        var bottom = Height - 36;
        for (var t = 0.0; t <= _seconds * 1.0001; t += step)
        {
            var x = Left + t / _seconds * PlotWidth;
            canvas.Line(x, Top - 6, x, bottom, "#eeeeee");
            canvas.Text(x, Top - 10, t.ToString(step < 1 ? "0.###" : "0.#", CultureInfo.InvariantCulture), 10, "#616161", TextAnchor.Middle);
        }
    }

    private void DrawLane(IChartCanvas canvas, Node node, string silo, double y)
    {
        var (busy, waiting, stalled) = Totals(node.Lanes);
        var total = Math.Max(busy + waiting + stalled, 1e-12);
        canvas.BeginGroup("lane",
        [
            ("node", node.Id), ("op", node.Op), ("silo", silo), ("silos", string.Join(' ', node.Silos)),
            ("busy", F(busy / total)), ("waiting", F(waiting / total)), ("stalled", F(stalled / total)),
        ]);
        canvas.Text(Left - 8, y + 14, $"{node.Id} ({node.Op})", 11, "#212121", TextAnchor.End);
        canvas.Rect(Left, y, PlotWidth, LaneHeight, "#fafafa");
        var peak = 0.0;
        var points = new List<(DateTimeOffset T, double Rate)>();
        foreach (var lane in node.Lanes)
        {
            foreach (var span in Spans(lane))
            {
                var x = X(span.From);
                canvas.Rect(x, y, Math.Max(0.5, X(span.To) - x), LaneHeight, Colour(span.Activity), span.Activity,
                    $"{node.Id} {span.Activity} {Sec(span.From)}–{Sec(span.To)} s on {lane.Silo}");
            }
            for (var i = 0; i < lane.Batches.Length; i++)
            {
                var rate = lane.Batches[i] / lane.SlotSeconds;
                peak = Math.Max(peak, rate);
                points.Add((lane.Start + TimeSpan.FromSeconds((i + 0.5) * lane.SlotSeconds), rate));
            }
        }
        if (peak > 0)
        {
            canvas.Polyline(points.Select(p => (X(p.T), y + LaneHeight - 2 - p.Rate / peak * (LaneHeight - 4))).ToArray(), RateColour, 1.2, "rate");
            canvas.Text(Left + PlotWidth + 6, y + 14, Rate(peak), 10, RateColour);
        }
        canvas.EndGroup();
    }

    /// <summary>The lane's slots as runs of the activity that filled most of each slot (slots with no time recorded break a run).</summary>
    private static IEnumerable<(string Activity, DateTimeOffset From, DateTimeOffset To)> Spans(TimelineLane lane)
    {
        string? current = null;
        var from = lane.Start;
        var to = lane.Start;
        var end = lane.End ?? DateTimeOffset.MaxValue;
        for (var i = 0; i < lane.Busy.Length; i++)
        {
            var slotStart = lane.Start + TimeSpan.FromSeconds(i * lane.SlotSeconds);
            var slotEnd = lane.Start + TimeSpan.FromSeconds((i + 1) * lane.SlotSeconds);
            if (slotEnd > end) slotEnd = end;
            var b = lane.Busy[i];
            var w = lane.Waiting[i];
            var s = lane.Stalled[i];
            var activity = b + w + s <= 0 ? null : b >= w && b >= s ? "busy" : s >= w ? "stalled" : "waiting";
            if (activity != current || slotStart > to)
            {
                if (current is not null) yield return (current, from, to);
                current = activity;
                from = slotStart;
            }
            to = slotEnd;
        }
        if (current is not null) yield return (current, from, to);
    }

    private static (double Busy, double Waiting, double Stalled) Totals(IReadOnlyList<TimelineLane> lanes) =>
        (lanes.Sum(l => l.Busy.Sum()), lanes.Sum(l => l.Waiting.Sum()), lanes.Sum(l => l.Stalled.Sum()));

    /// <summary>The silo a node spent most of its time on.</summary>
    private static string HomeSilo(Node node) =>
        node.Lanes.GroupBy(l => l.Silo).MaxBy(g => g.Sum(l => l.Busy.Sum() + l.Waiting.Sum() + l.Stalled.Sum()))!.Key;

    private static string Colour(string activity) => activity switch
    {
        "busy" => BusyColour,
        "stalled" => StalledColour,
        _ => WaitingColour,
    };

    private string Sec(DateTimeOffset t) => (t - _t0).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    private static string F(double fraction) => fraction.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Rate(double perSecond) => perSecond switch
    {
        >= 1e6 => (perSecond / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M b/s",
        >= 1e3 => (perSecond / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k b/s",
        _ => perSecond.ToString("0.#", CultureInfo.InvariantCulture) + " b/s",
    };

    private static double NiceStep(double raw)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (var m in new[] { 1.0, 2, 5, 10 })
        {
            if (m * power >= raw) return m * power;
        }
        return 10 * power;
    }
}
