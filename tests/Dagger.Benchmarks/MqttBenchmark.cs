using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dagger.Orleans.Streaming.Mqtt.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Orleans.Hosting;
using Orleans.Streams;
using Orleans.TestingHost;

namespace Dagger.Orleans.Benchmarks;

/// <summary>
/// The MQTT stream provider next to the raw MQTTnet client, same broker, same payloads, same run:
/// <c>dotnet run -c Release --project tests/Dagger.Benchmarks -- mqtt [--events 20000] [--bytes 8192] [--window 64] [--runs 3] [--poll-ms 5]</c>.
/// Raw: QoS 1 publish (a window of PUBACKs in flight) → a persistent-session subscriber that acknowledges after handling.
/// Provider: a cluster client's stream OnNextAsync (the same window) → broker → the silo's receiver → pulling agent →
/// an implicitly subscribed consumer grain. Throughput is events/s from first send to last arrival (median of the
/// runs); latency is per hop (send → consumer), p50/p99 over a paced run of one event at a time and over the loaded runs.
/// </summary>
internal static class MqttBenchmark
{
    public const string Namespace = "mqtt-bench";
    private const string Provider = "mqtt-bench";

    public static async Task<int> RunAsync(string[] args)
    {
        int events = 20_000, bytes = 8192, window = 64, runs = 3;
        double pollMs = 5;
        string? outFile = Path.Combine("tests", "Dagger.Benchmarks", "results", "mqtt-latest.md");
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--events": events = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--bytes": bytes = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--window": window = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--poll-ms": pollMs = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--out": outFile = Value(); break;
                case "--no-write": outFile = null; break;
                default: throw new UsageException($"mqtt: unknown option {args[i]}; options: --events N --bytes B --window W --runs R --poll-ms P --out FILE --no-write");
            }
        }
        if (bytes < 8) throw new UsageException("mqtt: --bytes must be at least 8 (the payload carries a timestamp)");

        try
        {
            await using var broker = await MqttBenchBroker.StartAsync();
            var sink = MqttBenchSink.Current;
            await using var raw = await RawPath.StartAsync(broker.Port);
            var cluster = await DeployAsync(broker.Port, pollMs);
            await using var _ = cluster;
            var provider = cluster.Client.GetStreamProvider(Provider).GetStream<MqttBenchEvent>(Namespace, "consumer");

            Console.WriteLine($"mqtt: {events} events of {bytes} B, window {window}, {runs} run(s) each, pulling agent poll {pollMs} ms");
            // Warm-up: JIT, connections, the consumer activation.
            await MeasureAsync("raw", sink, Math.Min(events, 5000), window, payload => raw.PublishAsync(payload), bytes);
            await MeasureAsync("provider", sink, Math.Min(events, 5000), window, payload => provider.OnNextAsync(new MqttBenchEvent(payload)), bytes);

            var rawRuns = new List<Sample>();
            var providerRuns = new List<Sample>();
            for (var run = 0; run < runs; run++)
            {
                rawRuns.Add(await MeasureAsync("raw", sink, events, window, payload => raw.PublishAsync(payload), bytes));
                providerRuns.Add(await MeasureAsync("provider", sink, events, window, payload => provider.OnNextAsync(new MqttBenchEvent(payload)), bytes));
            }

            var pacedEvents = Math.Min(events, 2000);
            var rawPaced = await MeasureAsync("raw paced", sink, pacedEvents, 1, payload => raw.PublishAsync(payload), bytes);
            var providerPaced = await MeasureAsync("provider paced", sink, pacedEvents, 1, payload => provider.OnNextAsync(new MqttBenchEvent(payload)), bytes);

            var report = Report(events, bytes, window, runs, pollMs, Median(rawRuns), Median(providerRuns), rawPaced, providerPaced);
            Console.WriteLine();
            Console.WriteLine(report);
            if (outFile is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
                await File.WriteAllTextAsync(outFile, report);
                Console.WriteLine($"report written to {outFile}");
            }
            return 0;
        }
        catch (BenchmarkFailedException e)
        {
            Console.Error.WriteLine($"benchmark failed: {e.Message}");
            return 1;
        }
    }

    private sealed record Sample(double EventsPerSecond, double P50Micros, double P99Micros);

    private static async Task<Sample> MeasureAsync(string name, MqttBenchSink sink, int events, int window, Func<byte[], Task> send, int bytes)
    {
        var done = sink.Start(events);
        var inFlight = new Queue<Task>(window);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            inFlight.Enqueue(send(MqttBenchSink.Stamp(new byte[bytes])));
            if (inFlight.Count >= window) await inFlight.Dequeue();
        }
        while (inFlight.Count > 0) await inFlight.Dequeue();
        try
        {
            await done.WaitAsync(TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException)
        {
            throw new BenchmarkFailedException($"{name}: not every event arrived within 120 s");
        }
        clock.Stop();
        var (p50, p99) = sink.Latency();
        var sample = new Sample(events / clock.Elapsed.TotalSeconds, p50, p99);
        Console.WriteLine($"  {name,-15} {sample.EventsPerSecond,10:N0} events/s  ({sample.EventsPerSecond * bytes / 1e6,7:N1} MB/s)  latency p50 {p50 / 1000,7:N2} ms  p99 {p99 / 1000,7:N2} ms");
        return sample;
    }

    private static Sample Median(List<Sample> runs)
    {
        var ordered = runs.OrderBy(r => r.EventsPerSecond).ToList();
        return ordered[ordered.Count / 2];
    }

    private static string Report(int events, int bytes, int window, int runs, double pollMs, Sample raw, Sample provider, Sample rawPaced, Sample providerPaced)
    {
        var text = new StringBuilder();
        text.AppendLine("# MQTT stream provider vs raw MQTTnet (mosquitto on loopback)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{events} events of {bytes} B per run, {window} publishes in flight, median of {runs} run(s); pulling agent poll {pollMs} ms; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        text.AppendLine();
        text.AppendLine("| path | events/s | MB/s | latency p50 (ms) | p99 (ms) | paced p50 (ms) | paced p99 (ms) |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        void Row(string name, Sample loaded, Sample paced) => text.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {loaded.EventsPerSecond:N0} | {loaded.EventsPerSecond * bytes / 1e6:N1} | {loaded.P50Micros / 1000:N2} | {loaded.P99Micros / 1000:N2} | {paced.P50Micros / 1000:N2} | {paced.P99Micros / 1000:N2} |");
        Row("raw MQTTnet QoS 1", raw, rawPaced);
        Row("provider (client → silo grain)", provider, providerPaced);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Throughput ratio provider / raw: **{provider.EventsPerSecond / raw.EventsPerSecond:0.00}** (goal ≥ 0.7).");
        text.AppendLine();
        text.AppendLine("Latency is per hop, send → consumer. \"Paced\" sends one event at a time (no queueing); the loaded columns are from the throughput runs.");
        return text.ToString();
    }

    private static async Task<InProcessTestCluster> DeployAsync(int port, double pollMs)
    {
        void Options(Dagger.Orleans.Streaming.Mqtt.MqttStreamOptions o)
        {
            o.Server = "127.0.0.1";
            o.Port = port;
            o.TopicPrefix = "bench";
        }

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            silo.AddMqttStreams(Provider, c =>
            {
                c.ConfigureMqtt(ob => ob.Configure(Options));
                c.ConfigurePartitioning(1);
                c.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                c.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(pollMs)));
            });
        });
        builder.ConfigureClient(client => client.AddMqttStreams(Provider, c =>
        {
            c.ConfigureMqtt(ob => ob.Configure(Options));
            c.ConfigurePartitioning(1);
            c.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        }));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>The baseline: one publisher and one persistent-session subscriber, MQTTnet only.</summary>
    private sealed class RawPath : IAsyncDisposable
    {
        private readonly IMqttClient _publisher;
        private readonly IMqttClient _subscriber;
        private readonly string _topic;

        private RawPath(IMqttClient publisher, IMqttClient subscriber, string topic)
        {
            _publisher = publisher;
            _subscriber = subscriber;
            _topic = topic;
        }

        public static async Task<RawPath> StartAsync(int port)
        {
            var factory = new MqttClientFactory();
            var topic = $"bench-raw/{Guid.NewGuid():N}";
            var subscriber = factory.CreateMqttClient();
            subscriber.ApplicationMessageReceivedAsync += e =>
            {
                // Acknowledged automatically once this returns: after "delivery", as the provider does.
                var payload = e.ApplicationMessage.Payload;
                Span<byte> stamp = stackalloc byte[8];
                payload.Slice(0, 8).CopyTo(stamp);
                MqttBenchSink.Current.Record(stamp);
                return Task.CompletedTask;
            };
            await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId($"bench-raw-sub-{Guid.NewGuid():N}").WithCleanStart(false).WithSessionExpiryInterval(3600).WithReceiveMaximum(2000).Build());
            await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(topic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());
            var publisher = factory.CreateMqttClient();
            await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).Build());
            return new RawPath(publisher, subscriber, topic);
        }

        public async Task PublishAsync(byte[] payload)
        {
            var result = await _publisher.PublishAsync(new MqttApplicationMessage
            {
                Topic = _topic,
                Payload = new ReadOnlySequence<byte>(payload),
                QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
            });
            if (!result.IsSuccess) throw new BenchmarkFailedException($"raw publish answered {result.ReasonCode}");
        }

        public async ValueTask DisposeAsync()
        {
            await _publisher.DisconnectAsync(new MqttClientDisconnectOptions());
            await _subscriber.DisconnectAsync(new MqttClientDisconnectOptions());
            _publisher.Dispose();
            _subscriber.Dispose();
        }
    }
}
