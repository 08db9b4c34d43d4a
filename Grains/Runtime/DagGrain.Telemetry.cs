using System.Diagnostics;
using Dagger.Orleans.Telemetry;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace Dagger.Orleans.Runtime;

/// <summary>The run's spans (submit, start, cancel, migrate, resume) and its started/ended counters.</summary>
internal sealed partial class DagGrain
{
    private DaggerMetrics? _metrics;

    private DaggerMetrics Metrics => _metrics ??= ServiceProvider.GetRequiredService<DaggerMetrics>();

    /// <summary>A span of this run named <paramref name="name"/>, or null when nobody listens.</summary>
    private Activity? StartSpan(string name, string? nodeId = null)
    {
        var activity = DaggerTelemetry.Source.StartActivity(name);
        if (activity is null) return null;
        activity.SetTag(DaggerTelemetry.Tags.Dag, DagId);
        if (_spec?.Name is { } dagName) activity.SetTag(DaggerTelemetry.Tags.DagName, dagName);
        if (nodeId is not null) activity.SetTag(DaggerTelemetry.Tags.Node, nodeId);
        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed with <paramref name="error"/>.</summary>
    private static void SpanFailed(Activity? activity, string error) => activity?.SetStatus(ActivityStatusCode.Error, error);

    private void CountRunEnded(DagState state) => Metrics.RunEnded(_spec?.Name, state);
}
