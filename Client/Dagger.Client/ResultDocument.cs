using System.Buffers;
using System.Text;
using System.Text.Json;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Client;

/// <summary>The result document of CONTRACT §3: one JSON object per run.</summary>
public static class ResultDocument
{
    // Relaxed escaping: the document is read by people and programs, never embedded in HTML, so "'" stays "'".
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The document as text, with the results <see cref="DagStatus.Results"/> holds; a stored result it does not hold
    /// appears as where it is (<c>{"stored": "memory", "bytes": N, "chunks": C}</c>): use <see cref="WriteAsync"/> to
    /// have it in full.
    /// </summary>
    public static string Write(DagStatus status, string? errorOverride = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            WriteHead(w, status);
            foreach (var sink in Sinks(status))
            {
                w.WritePropertyName(sink);
                if (status.Results.TryGetValue(sink, out var json)) w.WriteRawValue(json, skipInputValidation: true);
                else WriteWhereStored(w, status.StoredResults[sink]);
            }
            WriteTail(w, status, errorOverride);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Writes the document to <paramref name="output"/> with every stored result's JSON copied in chunk by chunk from
    /// <paramref name="readStored"/> (<see cref="DagRun.ReadResultAsync"/>): the document is never held whole, so a
    /// result of any size costs a chunk of memory. Ends with a newline.
    /// </summary>
    public static async Task WriteAsync(Stream output, DagStatus status, Func<ResultDescriptor, CancellationToken, IAsyncEnumerable<ReadOnlyMemory<byte>>> readStored,
        string? errorOverride = null, CancellationToken cancellation = default)
    {
        await using var w = new Utf8JsonWriter(output, Options);
        WriteHead(w, status);
        foreach (var sink in Sinks(status))
        {
            w.WritePropertyName(sink);
            if (status.Results.TryGetValue(sink, out var json))
            {
                w.WriteRawValue(json, skipInputValidation: true);
                continue;
            }
            await w.FlushAsync(cancellation);
            // Every chunk but the last goes straight to the output; the last goes through the writer as the value's
            // raw end, so the writer counts a value written (and puts the comma before the next sink).
            ReadOnlyMemory<byte>? previous = null;
            await foreach (var chunk in readStored(status.StoredResults[sink], cancellation))
            {
                if (previous is { } earlier) await output.WriteAsync(earlier, cancellation);
                previous = chunk;
            }
            if (previous is not { Length: > 0 } last) throw new InvalidOperationException($"node '{sink}': its stored result came back empty");
            w.WriteRawValue(last.Span, skipInputValidation: true);
        }
        WriteTail(w, status, errorOverride);
        await w.FlushAsync(cancellation);
        await output.WriteAsync("\n"u8.ToArray(), cancellation);
        await output.FlushAsync(cancellation);
    }

    /// <summary>Every sink with a result, by node id: those inline and those stored.</summary>
    private static IEnumerable<string> Sinks(DagStatus status) =>
        status.Results.Keys.Union(status.StoredResults.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private static void WriteWhereStored(Utf8JsonWriter w, ResultDescriptor stored)
    {
        w.WriteStartObject();
        w.WriteString("stored", stored.Store);
        w.WriteNumber("bytes", stored.Bytes);
        w.WriteNumber("chunks", stored.Chunks);
        w.WriteEndObject();
    }

    /// <summary>Everything up to the results' entries.</summary>
    private static void WriteHead(Utf8JsonWriter w, DagStatus status)
    {
        w.WriteStartObject();
        w.WriteString("dag", status.DagId);
        w.WriteString("status", status.State.ToString());
        w.WriteStartObject("results");
    }

    /// <summary>Everything after the results' entries.</summary>
    private static void WriteTail(Utf8JsonWriter w, DagStatus status, string? errorOverride)
    {
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
