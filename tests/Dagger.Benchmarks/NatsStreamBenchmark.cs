using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dagger.Orleans.Streaming.Nats.Hosting;
using HdrHistogram;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Orleans.Concurrency;
using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.TestingHost;

namespace Dagger.Orleans.Benchmarks;

/// <summary>
/// <c>nats</c> mode: the NATS stream provider's throughput and per-hop latency next to the raw NATS.Net client, same
/// payloads, same server, same run. Raw: P publishers each awaiting JetStream's PubAck per message, one pull consumer
/// acknowledging each message. Provider: P producer grains (one stream each, awaited OnNextAsync, which is one
/// acknowledged JetStream publish) on a 1-silo in-process cluster, consumer grains subscribed implicitly. Latency:
/// send → consumer, from a timestamp inside each event, into an HdrHistogram.
/// </summary>
/// <remarks>usage: Dagger.Orleans.Benchmarks nats [--events N] [--bytes B] [--producers P] [--repeat R]</remarks>
internal static class NatsStreamBenchmark
{
    private const string Provider = "bench-nats";
    public const string Namespace = "bench-nats";

    public static async Task<int> RunAsync(string[] args)
    {
        var events = IntArg(args, "--events", 20_000);
        var bytes = IntArg(args, "--bytes", 8 * 1024);
        var producers = IntArg(args, "--producers", 8);
        var repeat = IntArg(args, "--repeat", 3);
        var binary = new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists)
            ?? throw new BenchmarkFailedException("nats-server is not installed: apt-get install -y nats-server");
        var port = FreePort();
        var data = Directory.CreateTempSubdirectory("dagger-bench-nats").FullName;
        using var server = Process.Start(new ProcessStartInfo(binary, ["-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-js", "-sd", data])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        }) ?? throw new BenchmarkFailedException("could not start nats-server");
        try
        {
            await WaitForPortAsync(port);
            var url = $"nats://127.0.0.1:{port}";
            Console.WriteLine($"nats-server {url}; {events} events of {bytes} B, {producers} producers, {repeat} measured runs each (after one warm-up run)");

            await using var raw = new NatsConnection(new NatsOpts { Url = url });
            var js = new NatsJSContext(raw);
            await js.CreateStreamAsync(new StreamConfig("RAW", ["raw.>"]) { Storage = StreamConfigStorage.File, Retention = StreamConfigRetention.Workqueue });
            var consumer = await js.CreateOrUpdateConsumerAsync("RAW", new ConsumerConfig("raw") { AckPolicy = ConsumerConfigAckPolicy.Explicit, MaxAckPending = 8192 });

            var builder = new InProcessTestClusterBuilder(1);
            builder.ConfigureSilo((_, silo) => silo.AddNatsStreams(Provider, s =>
            {
                s.ConfigureNats(o => o.Url = url);
                s.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                s.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(10)));
            }));
            await using var cluster = builder.Build();
            await cluster.DeployAsync();

            var rawRuns = new List<Result>();
            var providerRuns = new List<Result>();
            await RawAsync(js, consumer, Math.Max(events / 10, 100), bytes, producers);
            await ProviderAsync(cluster, Math.Max(events / 10, 100), bytes, producers);
            for (var r = 0; r < repeat; r++)
            {
                rawRuns.Add(await RawAsync(js, consumer, events, bytes, producers));
                providerRuns.Add(await ProviderAsync(cluster, events, bytes, producers));
                Console.WriteLine($"  run {r + 1}: raw {rawRuns[^1]}; provider {providerRuns[^1]}");
            }

            var rawMedian = Median(rawRuns);
            var providerMedian = Median(providerRuns);
            Console.WriteLine();
            Console.WriteLine("| path | events/s (median) | MB/s | latency p50 µs | p99 µs |");
            Console.WriteLine("|---|---|---|---|---|");
            Console.WriteLine(rawMedian.Row("raw NATS.Net JetStream (publish+PubAck → pull consume+ack)", bytes));
            Console.WriteLine(providerMedian.Row("Dagger NATS stream provider (grain → JetStream → pulling agent → grain)", bytes));
            Console.WriteLine($"throughput ratio provider/raw: {providerMedian.EventsPerSecond / rawMedian.EventsPerSecond:0.00} (goal >= 0.7)");
            return 0;
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<Result> RawAsync(NatsJSContext js, INatsJSConsumer consumer, int events, int bytes, int producers)
    {
        var histogram = new LongHistogram(TimeStamp.Seconds(60), 3);
        var received = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var elapsed = Stopwatch.StartNew();
        var consuming = Task.Run(async () =>
        {
            await foreach (var msg in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = 1000 }, cancellationToken: cts.Token))
            {
                histogram.RecordValue(Stopwatch.GetTimestamp() - BitConverter.ToInt64(msg.Data!, 0));
                await msg.AckAsync(cancellationToken: cts.Token);
                if (++received == events) break;
            }
        });
        var publishing = new Task[producers];
        for (var p = 0; p < producers; p++)
        {
            var subject = $"raw.p{p}";
            var share = Share(events, producers, p);
            publishing[p] = Task.Run(async () =>
            {
                var payload = new byte[bytes];
                for (var i = 0; i < share; i++)
                {
                    BitConverter.TryWriteBytes(payload, Stopwatch.GetTimestamp());
                    (await js.PublishAsync(subject, payload, cancellationToken: cts.Token)).EnsureSuccess();
                }
            });
        }
        await Task.WhenAll(publishing);
        await consuming;
        return new Result(events / elapsed.Elapsed.TotalSeconds, histogram);
    }

    private static async Task<Result> ProviderAsync(InProcessTestCluster cluster, int events, int bytes, int producers)
    {
        var run = Guid.NewGuid().ToString("N");
        var sink = BenchNatsSink.Start(run, events);
        var elapsed = Stopwatch.StartNew();
        var publishing = new Task[producers];
        for (var p = 0; p < producers; p++)
        {
            publishing[p] = cluster.Client.GetGrain<IBenchNatsProducerGrain>($"{run}-{p}").ProduceAsync(Provider, $"{run}/{p}", Share(events, producers, p), bytes);
        }
        await Task.WhenAll(publishing);
        await sink.Done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        return new Result(events / elapsed.Elapsed.TotalSeconds, sink.Histogram);
    }

    private static int Share(int events, int producers, int p) => events / producers + (p < events % producers ? 1 : 0);

    private static Result Median(List<Result> runs) => runs.OrderBy(r => r.EventsPerSecond).ElementAt(runs.Count / 2);

    private static int IntArg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        if (at < 0) return fallback;
        return at + 1 < args.Length && int.TryParse(args[at + 1].Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new UsageException($"{name} needs a positive integer");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        for (var i = 0; i < 500; i++)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }
        throw new BenchmarkFailedException($"nats-server did not listen on port {port} within 10 s");
    }

    private sealed record Result(double EventsPerSecond, LongHistogram Histogram)
    {
        private double Micros(double percentile) => Histogram.GetValueAtPercentile(percentile) * 1e6 / Stopwatch.Frequency;

        public string Row(string name, int bytes) =>
            $"| {name} | {EventsPerSecond:0} | {EventsPerSecond * bytes / 1e6:0.0} | {Micros(50):0} | {Micros(99):0} |";

        public override string ToString() => $"{EventsPerSecond:0} ev/s, p50 {Micros(50):0} µs, p99 {Micros(99):0} µs";
    }
}

/// <summary>One event of the <c>nats</c> benchmark: when it was sent, and its payload.</summary>
[GenerateSerializer, Immutable]
public sealed record BenchNatsEvent([property: Id(0)] long SentTimestamp, [property: Id(1)] byte[] Payload);

public interface IBenchNatsProducerGrain : IGrainWithStringKey
{
    Task ProduceAsync(string provider, string streamKey, int count, int bytes);
}

public interface IBenchNatsConsumerGrain : IGrainWithStringKey;

public sealed class BenchNatsProducerGrain : Grain, IBenchNatsProducerGrain
{
    public async Task ProduceAsync(string provider, string streamKey, int count, int bytes)
    {
        var stream = this.GetStreamProvider(provider).GetStream<BenchNatsEvent>(StreamId.Create(NatsStreamBenchmark.Namespace, streamKey));
        for (var i = 0; i < count; i++) await stream.OnNextAsync(new BenchNatsEvent(Stopwatch.GetTimestamp(), new byte[bytes]));
    }
}

[ImplicitStreamSubscription(NatsStreamBenchmark.Namespace)]
public sealed class BenchNatsConsumerGrain : Grain, IBenchNatsConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<BenchNatsEvent>
{
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => handleFactory.Create<BenchNatsEvent>().ResumeAsync(this);

    public Task OnNextAsync(BenchNatsEvent item, StreamSequenceToken? token = null)
    {
        BenchNatsSink.Current?.Record(Stopwatch.GetTimestamp() - item.SentTimestamp);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

/// <summary>Where the consumer grains of the current provider run count and time events (the silo is in this process).</summary>
internal sealed class BenchNatsSink(int expected)
{
    private readonly Lock _lock = new();
    private int _received;

    public static BenchNatsSink? Current { get; private set; }

    public LongHistogram Histogram { get; } = new(TimeStamp.Seconds(60), 3);

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static BenchNatsSink Start(string run, int expected) => Current = new BenchNatsSink(expected);

    public void Record(long latencyTicks)
    {
        lock (_lock)
        {
            Histogram.RecordValue(latencyTicks);
            if (++_received == expected) Done.TrySetResult();
        }
    }
}
