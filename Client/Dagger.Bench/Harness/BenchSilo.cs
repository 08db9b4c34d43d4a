using Dagger.Orleans.Client;
using Dagger.Orleans.Hosting;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Streaming.Mqtt.Hosting;
using Dagger.Orleans.Streaming.Nats.Hosting;
using Dagger.Orleans.Bench.Servers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Dagger.Orleans.Bench.Harness;

/// <summary>
/// One in-process silo with Dagger, as <see cref="DaggerClient.StartEmbeddedAsync"/> builds it, plus (optionally) a
/// NATS or MQTT stream provider so DAG edges may use that transport: what the transport rows measure.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchSilo(IHost host, DaggerClient client)
    {
        _host = host;
        Client = client;
    }

    public DaggerClient Client { get; }

    /// <summary>The silo's grain factory, for measuring Orleans itself next to Dagger (a bare activation, a plain call).</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The pulling agents' poll period the Silo host uses by default (SiloSettings.StreamPollPeriod).</summary>
    public static readonly TimeSpan DefaultPollPeriod = TimeSpan.FromMilliseconds(1);

    /// <summary>The Silo's default poll period until reads waited for the next message: the chain section's comparison row.</summary>
    public static readonly TimeSpan FormerPollPeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>A silo whose edges may be memory only.</summary>
    public static Task<BenchSilo> StartAsync(CancellationToken cancellationToken) => StartAsync(null, null, cancellationToken);

    /// <summary>A silo whose <c>nats</c> edges are JetStream streams on the server at <paramref name="natsUrl"/>.</summary>
    public static Task<BenchSilo> StartNatsAsync(string natsUrl, CancellationToken cancellationToken, TimeSpan? pollPeriod = null)
    {
        var name = "bench-" + Guid.NewGuid().ToString("N")[..8];
        return StartAsync(Transports.Nats, silo => silo.AddNatsStreams(Transports.Nats, streams =>
        {
            streams.ConfigureNats(o =>
            {
                o.Url = natsUrl;
                o.StreamName = name;
                o.SubjectPrefix = name;
            });
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            streams.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = pollPeriod ?? DefaultPollPeriod));
        }), cancellationToken);
    }

    /// <summary>A silo whose <c>mqtt</c> edges are topics on the mosquitto at 127.0.0.1:<paramref name="port"/>.</summary>
    public static Task<BenchSilo> StartMqttAsync(int port, CancellationToken cancellationToken, TimeSpan? pollPeriod = null)
    {
        var name = "bench-" + Guid.NewGuid().ToString("N")[..8];
        return StartAsync(Transports.Mqtt, silo => silo.AddMqttStreams(Transports.Mqtt, streams =>
        {
            streams.ConfigureMqtt(ob => ob.Configure(o =>
            {
                o.Server = "127.0.0.1";
                o.Port = port;
                o.TopicPrefix = name;
                o.ClientIdPrefix = name;
            }));
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            streams.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = pollPeriod ?? DefaultPollPeriod));
        }), cancellationToken);
    }

    private static async Task<BenchSilo> StartAsync(string? transport, Action<ISiloBuilder>? addProvider, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning)
            // Orleans' start-up advice (server GC) and watchdog notes on a busy 2-core machine would bury the bench's own lines.
            .AddFilter("Orleans", LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: BrokerProcess.FreePort(), gatewayPort: BrokerProcess.FreePort(), serviceId: "dagger-bench",
                clusterId: "bench-" + Guid.NewGuid().ToString("N")[..8]);
            silo.AddMemoryGrainStorageAsDefault();
            addProvider?.Invoke(silo);
            silo.AddDagger(o =>
            {
                if (transport is not null) o.Transports.Add(transport);
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            // Free its ports and threads before the caller hears why it did not start.
            await host.StopAsync(TimeSpan.FromSeconds(5));
            host.Dispose();
            throw;
        }
        var catalog = host.Services.GetRequiredService<IOperatorCatalog>();
        var transports = transport is null ? new[] { Transports.Memory } : [Transports.Memory, transport];
        return new BenchSilo(host, DaggerClient.ForGrainFactory(host.Services.GetRequiredService<IGrainFactory>(), catalog, transports));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }
}
