using Dagger.Orleans.Bench.Harness;
using Dagger.Orleans.Bench.Measuring;
using Dagger.Orleans.Bench.Servers;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Bench.Chain;

/// <summary>
/// Chain throughput: a linear chain of <c>scale</c> nodes over float32 batches with memory edges, next to the same
/// chain in TPL Dataflow and Akka.Streams; and one NATS or MQTT edge (source → count) next to the raw client
/// carrying the same payloads one hop with the same delivery guarantees (issue 3 item 9: ratio ≥ 0.7).
/// </summary>
public sealed class ChainSection : IBenchSection
{
    public const double BrokerGoal = 0.7;

    public string Name => "chain";

    public string Title => "chain throughput per transport vs TPL Dataflow, Akka.Streams, raw NATS.Net and MQTTnet";

    private sealed record Sizes(long Elements, long BrokerElements, int Batch, int Hops, TimeSpan WarmUp, int Runs);

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var sizes = context.Quick
            ? new Sizes(200_000, 20_480, 1024, 4, TimeSpan.FromSeconds(0.5), 1)
            : new Sizes(200_000_000, 4_000_000, 1024, 8, TimeSpan.FromSeconds(6), 5);
        var rows = new List<BenchRow>();
        var dagger = new Dictionary<string, double>();
        var baselines = new Dictionary<string, Dictionary<string, double>>();

        await MemoryAsync(context, sizes, rows, dagger, baselines, cancellationToken);
        await BrokerAsync(context, Transports.Nats, sizes, rows, dagger, baselines, cancellationToken);
        await BrokerAsync(context, Transports.Mqtt, sizes, rows, dagger, baselines, cancellationToken);

        context.Notes.Add($"memory: {DataflowChain.Description}; {AkkaChain.Description}; Dagger: range (float32) → scale × {sizes.Hops} → count, "
            + $"{sizes.Elements:N0} elements per run, batch {sizes.Batch}, timed from submission to the terminal status.");
        context.Notes.Add($"NATS/MQTT: Dagger range → count over one broker edge ({sizes.BrokerElements:N0} float32 elements, batch {sizes.Batch} = "
            + $"{sizes.Batch * 4 / 1024} KiB payloads) vs the raw client sending the same number of {sizes.Batch * 4 / 1024} KiB payloads one hop "
            + $"(JetStream publish with {RawNats.Window} PubAcks in flight → durable pull consumer, explicit acks; MQTT 5 QoS 1 with {RawMqtt.Window} PUBACKs in flight → persistent-session subscriber).");
        context.Notes.Add($"Stream poll: how soon the silo's pulling agent reads its queue again after it stopped (Orleans' GetQueueMsgsTimerPeriod; the Silo's StreamPollPeriod, "
            + $"default {BenchSilo.DefaultPollPeriod.TotalMilliseconds:0} ms). Reads wait for the next message (the providers' ReadWait), so an agent stops only when its queue stays empty "
            + $"or a new stream registers; the {BenchSilo.FormerPollPeriod.TotalMilliseconds:0} ms rows (the former default) show what the period still costs. The goal applies to the default.");
        context.Notes.Add($"Each case: warm-up, then {sizes.Runs} measured run(s) from a collected heap; the median is shown. NATS/MQTT: Dagger and the raw client each warm up for "
            + $"{sizes.WarmUp.TotalSeconds / 3:0.#} s, then take turns run by run. The servers run on loopback, started by the bench and stopped after.");
        AddPlot(context, dagger, baselines);
        return rows;
    }

    private static async Task MemoryAsync(BenchContext context, Sizes s, List<BenchRow> rows, Dictionary<string, double> dagger,
        Dictionary<string, Dictionary<string, double>> baselines, CancellationToken ct)
    {
        var caseName = $"memory edges, {s.Hops} scale nodes, batch {s.Batch}";
        await using var silo = await BenchSilo.StartAsync(ct);
        var dataflow = new DataflowChain();
        await using var akka = new AkkaChain();
        var warmupElements = Math.Min(s.Elements, 2_000_000);
        context.Log.WriteLine($"  chain: warming up Dagger, Dataflow and Akka.Streams ({s.WarmUp.TotalSeconds:F1} s each)");
        await Measure.WarmUpAsync(c => DaggerChain.RunAsync(silo.Client, warmupElements, s.Batch, s.Hops, Transports.Memory, c), s.WarmUp, ct);
        await Measure.WarmUpAsync(c => dataflow.RunAsync(warmupElements, s.Batch, s.Hops, c), s.WarmUp / 3, ct);
        await Measure.WarmUpAsync(c => akka.RunAsync(warmupElements, s.Batch, s.Hops, c), s.WarmUp / 3, ct);

        var measured = await Measure.InTurnsAsync([
            c => DaggerChain.RunAsync(silo.Client, s.Elements, s.Batch, s.Hops, Transports.Memory, c),
            c => dataflow.RunAsync(s.Elements, s.Batch, s.Hops, c),
            c => akka.RunAsync(s.Elements, s.Batch, s.Hops, c),
        ], s.Runs, ct);
        var (d, df, ak) = (measured[0], measured[1], measured[2]);
        context.Log.WriteLine($"  chain memory: Dagger {d.Median / 1e6:F1}, Dataflow {df.Median / 1e6:F1}, Akka.Streams {ak.Median / 1e6:F1} M el/s");
        rows.Add(new BenchRow("chain", caseName, "el/s", d.Median, "TPL Dataflow", df.Median, Note: Spread(d, df)));
        rows.Add(new BenchRow("chain", caseName, "el/s", d.Median, "Akka.Streams", ak.Median, Note: Spread(d, ak)));
        dagger["memory"] = d.Median;
        baselines["TPL Dataflow"] = new() { ["memory"] = df.Median };
        baselines["Akka.Streams"] = new() { ["memory"] = ak.Median };
    }

    private static async Task BrokerAsync(BenchContext context, string transport, Sizes s, List<BenchRow> rows, Dictionary<string, double> dagger,
        Dictionary<string, Dictionary<string, double>> baselines, CancellationToken ct)
    {
        var label = transport == Transports.Nats ? "NATS" : "MQTT";
        var baselineName = transport == Transports.Nats ? "raw NATS.Net JetStream" : "raw MQTTnet QoS 1";
        var caseName = $"{label} edge, 1 hop, batch {s.Batch}";
        try
        {
            await using var broker = transport == Transports.Nats ? await BrokerProcess.StartNatsAsync(ct) : await BrokerProcess.StartMosquittoAsync(ct);
            var messages = (int)(s.BrokerElements / s.Batch);
            var bytes = s.Batch * sizeof(float);
            Func<CancellationToken, Task<double>> raw;
            IAsyncDisposable rawClient;
            if (transport == Transports.Nats)
            {
                var nats = await RawNats.ConnectAsync($"nats://127.0.0.1:{broker.Port}", ct);
                (rawClient, raw) = (nats, async c => await nats.ThroughputAsync(messages, bytes, c) * s.Batch);
            }
            else
            {
                var mqtt = await RawMqtt.ConnectAsync(broker.Port, ct);
                (rawClient, raw) = (mqtt, async c => await mqtt.ThroughputAsync(messages, bytes, c) * s.Batch);
            }
            await using (rawClient)
            {
                context.Log.WriteLine($"  chain {label}: warming up the raw client ({s.WarmUp.TotalSeconds / 3:F1} s)");
                await Measure.WarmUpAsync(raw, s.WarmUp / 3, ct);
                baselines.TryAdd("raw client", []);
                foreach (var poll in new[] { BenchSilo.DefaultPollPeriod, BenchSilo.FormerPollPeriod })
                {
                    await using var silo = transport == Transports.Nats
                        ? await BenchSilo.StartNatsAsync($"nats://127.0.0.1:{broker.Port}", ct, poll)
                        : await BenchSilo.StartMqttAsync(broker.Port, ct, poll);
                    Func<CancellationToken, Task<double>> run = c => DaggerChain.RunAsync(silo.Client, s.BrokerElements, s.Batch, 0, transport, c);
                    // As long a warm-up as the raw client's: a single run is over before the tiered JIT has compiled the
                    // silo's hot paths, and its time would be the JIT's. Then Dagger and the raw client take turns,
                    // so a neighbour's load on the shared machine weighs on both alike.
                    await Measure.WarmUpAsync(run, s.WarmUp / 3, ct);
                    var measured = await Measure.InTurnsAsync([run, raw], s.Runs, ct);
                    var (d, r) = (measured[0], measured[1]);
                    var tuned = poll != BenchSilo.DefaultPollPeriod;
                    context.Log.WriteLine($"  chain {label} (poll {poll.TotalMilliseconds} ms): Dagger {d.Median / 1e6:F2}, raw {r.Median / 1e6:F2} M el/s");
                    rows.Add(new BenchRow("chain", $"{caseName}, stream poll {poll.TotalMilliseconds:0} ms{(tuned ? "" : " (Silo default)")}", "el/s", d.Median, baselineName, r.Median,
                        tuned ? null : BrokerGoal, Note: Spread(d, r)));
                    dagger[tuned ? label + " (poll 10 ms)" : label] = d.Median;
                    baselines["raw client"][tuned ? label + " (poll 10 ms)" : label] = r.Median;
                }
            }
        }
        catch (BenchmarkFailedException e)
        {
            context.Failures.Add($"{caseName}: {e.Message}");
        }
    }

    private static string Spread(Measurement dagger, Measurement baseline) =>
        $"spread ±{dagger.SpreadPercent:F0}% (Dagger), ±{baseline.SpreadPercent:F0}% (baseline) over {dagger.Samples.Count} run(s)";

    private static void AddPlot(BenchContext context, Dictionary<string, double> dagger, Dictionary<string, Dictionary<string, double>> baselines)
    {
        string[] categories = [.. new[] { "memory", "NATS", "NATS (poll 10 ms)", "MQTT", "MQTT (poll 10 ms)" }.Where(dagger.ContainsKey)];
        if (categories.Length == 0) return;
        var series = new List<BenchSeries> { new("Dagger", [.. categories.Select(c => dagger[c])]) };
        foreach (var (name, values) in baselines)
            series.Add(new BenchSeries(name, [.. categories.Select(c => values.TryGetValue(c, out var v) ? v : double.NaN)]));
        context.Plots.Add(new BenchPlot("chain-throughput", "Chain throughput per transport (higher is better)", "elements/s", series, categories, LogY: true));
    }
}
