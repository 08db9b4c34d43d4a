using System.Buffers;
using System.Text;
using System.Text.Json;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Client;

/// <summary>The result document of CONTRACT §3: one JSON object per run.</summary>
public static class ResultDocument
{
    public static string Write(DagStatus status, string? errorOverride = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping: the document is read by people and programs, never embedded in HTML, so "'" stays "'".
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("dag", status.DagId);
            w.WriteString("status", status.State.ToString());
            w.WriteStartObject("results");
            foreach (var (sink, json) in status.Results.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                w.WritePropertyName(sink);
                w.WriteRawValue(json, skipInputValidation: true);
            }
            w.WriteEndObject();
            w.WriteStartObject("stats");
            w.WriteNumber("seconds", Math.Round(status.Seconds, 3));
            w.WriteStartObject("nodes");
            foreach (var node in status.Nodes)
            {
                w.WriteStartObject(node.NodeId);
                w.WriteNumber("emitted", node.Emitted);
                w.WriteNumber("received", node.Received);
                w.WriteString("state", node.State.ToString());
                if (node.Silo is not null) w.WriteString("silo", node.Silo);
                if (node.SampleRate is { } rate && rate > 0) WriteSampleClock(w, node.Samples, rate, status.Seconds);
                if (node.Counters is { } counters)
                {
                    foreach (var (name, value) in counters) w.WriteNumber(name, value);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
            if (status.Cancellation is not null) w.WriteString("cancellation", status.Cancellation);
            if (status.Stall is not null) w.WriteString("stalled", status.Stall);
            var error = errorOverride ?? status.Error;
            if (error is not null) w.WriteString("error", error);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// A source with a sample clock: its samples, their rate, and the run's real-time factor — the signal's duration
    /// (samples ÷ rate) over the run's seconds: 1 keeps pace with a live receiver, 5 processes five seconds of signal
    /// per second.
    /// </summary>
    private static void WriteSampleClock(Utf8JsonWriter w, long samples, double rate, double seconds)
    {
        w.WriteNumber("samples", samples);
        w.WriteNumber("sample_rate", rate);
        w.WriteNumber("signal_seconds", Math.Round(samples / rate, 6));
        if (seconds > 0) w.WriteNumber("real_time_factor", Math.Round(samples / rate / seconds, 3));
    }
}
