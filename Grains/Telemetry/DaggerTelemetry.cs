using System.Diagnostics;

namespace Dagger.Orleans.Telemetry;

/// <summary>
/// The names under which the runtime reports: one <see cref="System.Diagnostics.Metrics.Meter"/> and one
/// <see cref="System.Diagnostics.ActivitySource"/>, both <c>Dagger.Orleans</c>. Listen to them with OpenTelemetry
/// (<c>AddMeter(DaggerTelemetry.MeterName)</c>, <c>AddSource(DaggerTelemetry.ActivitySourceName)</c>); the silo host
/// does that itself when <c>Dagger:Telemetry</c> asks for an exporter. Instruments and spans are listed in
/// docs/telemetry.md.
/// </summary>
public static class DaggerTelemetry
{
    public const string MeterName = "Dagger.Orleans";
    public const string ActivitySourceName = "Dagger.Orleans";

    /// <summary>Spans of the run's control operations: submit, start, cancel, migrate, resume (never one per batch).</summary>
    internal static readonly ActivitySource Source = new(ActivitySourceName, typeof(DaggerTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Span names.</summary>
    public static class Spans
    {
        public const string Submit = "dagger.submit";
        public const string Start = "dagger.start";
        public const string Cancel = "dagger.cancel";
        public const string Migrate = "dagger.migrate";
        public const string Resume = "dagger.resume";
    }

    /// <summary>Tag (attribute) names on instruments and spans.</summary>
    public static class Tags
    {
        public const string Dag = "dagger.dag";
        public const string DagName = "dagger.dag.name";
        public const string Node = "dagger.node";
        public const string Operator = "dagger.operator";
        public const string EdgeTo = "dagger.edge.to";
        public const string EdgePort = "dagger.edge.port";
        public const string Transport = "dagger.transport";
        public const string Status = "dagger.status";
        public const string Mode = "dagger.cancel.mode";
        public const string TargetSilo = "dagger.silo.target";
    }

    /// <summary>Instrument names (OpenTelemetry style; a Prometheus scrape shows them with '_' and a unit suffix).</summary>
    public static class Instruments
    {
        public const string ElementsIn = "dagger.node.elements.in";
        public const string ElementsOut = "dagger.node.elements.out";
        public const string Batches = "dagger.node.batches";
        public const string InboxDepth = "dagger.node.inbox.depth";
        public const string Stalls = "dagger.node.stalls";
        public const string BatchDuration = "dagger.node.batch.duration";
        public const string EdgeSendDuration = "dagger.edge.send.duration";
        public const string RunsStarted = "dagger.runs.started";
        public const string RunsEnded = "dagger.runs.ended";
    }
}
