using System.Diagnostics;
using Dagger.Orleans.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Dagger.Orleans.Tests.Telemetry;

/// <summary>
/// OpenTelemetry's in-memory exporters on the runtime's meter and activity source, for this test process (the silos of
/// an in-process cluster report into the same listeners). Metrics are read on demand: each read collects anew.
/// </summary>
public sealed class TelemetryReaders : IDisposable
{
    private readonly MeterProvider _meters;
    private readonly TracerProvider _tracer;
    private readonly List<MetricSnapshot> _snapshots = [];
    private readonly List<Activity> _spans = [];

    public TelemetryReaders()
    {
        _meters = Sdk.CreateMeterProviderBuilder().AddMeter(DaggerTelemetry.MeterName).AddInMemoryExporter(_snapshots).Build();
        _tracer = Sdk.CreateTracerProviderBuilder().AddSource(DaggerTelemetry.ActivitySourceName).AddInMemoryExporter(_spans).Build();
    }

    /// <summary>Every metric point as of now.</summary>
    public IReadOnlyList<(string Instrument, Dictionary<string, object?> Tags, MetricPoint Point, MetricType Type)> Collect()
    {
        lock (_snapshots)
        {
            _snapshots.Clear();
            _meters.ForceFlush();
            var points = new List<(string, Dictionary<string, object?>, MetricPoint, MetricType)>();
            foreach (var metric in _snapshots)
            {
                foreach (var point in metric.MetricPoints)
                {
                    var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var tag in point.Tags) tags[tag.Key] = tag.Value;
                    points.Add((metric.Name, tags, point, metric.MetricType));
                }
            }
            return points;
        }
    }

    /// <summary>The sum of a counter's points, or the count of a histogram's, whose tags include every one of <paramref name="tags"/>.</summary>
    public long Total(string instrument, params (string Key, object Value)[] tags)
    {
        long total = 0;
        foreach (var (name, pointTags, point, type) in Collect())
        {
            if (name != instrument || !Matches(pointTags, tags)) continue;
            total += type switch
            {
                MetricType.LongSum => point.GetSumLong(),
                MetricType.Histogram => point.GetHistogramCount(),
                MetricType.LongGauge => point.GetGaugeLastValueLong(),
                _ => throw new InvalidOperationException($"{instrument} is a {type}"),
            };
        }
        return total;
    }

    /// <summary>The spans ended so far.</summary>
    public Activity[] Spans()
    {
        _tracer.ForceFlush();
        lock (_spans) return [.. _spans];
    }

    private static bool Matches(Dictionary<string, object?> pointTags, (string Key, object Value)[] wanted)
    {
        foreach (var (key, value) in wanted)
        {
            if (!pointTags.TryGetValue(key, out var actual) || !Equals(actual?.ToString(), value.ToString())) return false;
        }
        return true;
    }

    public void Dispose()
    {
        _meters.Dispose();
        _tracer.Dispose();
    }
}
