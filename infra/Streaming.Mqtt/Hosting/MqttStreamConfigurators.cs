using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Dagger.Orleans.Streaming.Mqtt.Hosting;

/// <summary>Configures an MQTT stream provider on a silo: its options, queue count, cache size and pulling agent.</summary>
public sealed class SiloMqttStreamConfigurator : SiloPersistentStreamConfigurator
{
    public SiloMqttStreamConfigurator(string name, Action<Action<IServiceCollection>> configureServicesDelegate)
        : base(name, configureServicesDelegate, MqttQueueAdapterFactory.Create)
    {
        ConfigureDelegate(services => services
            .ConfigureNamedOptionForLogging<MqttStreamOptions>(name)
            .ConfigureNamedOptionForLogging<SimpleQueueCacheOptions>(name)
            .ConfigureNamedOptionForLogging<HashRingStreamQueueMapperOptions>(name)
            .AddTransient<IConfigurationValidator>(sp => new MqttStreamOptionsValidator(
                sp.GetRequiredService<IOptionsMonitor<MqttStreamOptions>>().Get(name), name)));
    }

    public SiloMqttStreamConfigurator ConfigureMqtt(Action<OptionsBuilder<MqttStreamOptions>> configureOptions)
    {
        this.Configure(configureOptions);
        return this;
    }

    /// <summary>How many messages the pulling agent caches per queue (Orleans' default 4096). Cached messages are not acknowledged yet.</summary>
    public SiloMqttStreamConfigurator ConfigureCache(int cacheSize = SimpleQueueCacheOptions.DEFAULT_CACHE_SIZE)
    {
        this.Configure<SimpleQueueCacheOptions>(ob => ob.Configure(options => options.CacheSize = cacheSize));
        return this;
    }

    /// <summary>How many queues (MQTT topics, each with its own session) the streams hash onto.</summary>
    public SiloMqttStreamConfigurator ConfigurePartitioning(int queueCount = HashRingStreamQueueMapperOptions.DEFAULT_NUM_QUEUES)
    {
        this.Configure<HashRingStreamQueueMapperOptions>(ob => ob.Configure(options => options.TotalQueueCount = queueCount));
        return this;
    }
}

/// <summary>Configures an MQTT stream provider on a cluster client (it only publishes).</summary>
public sealed class ClusterClientMqttStreamConfigurator : ClusterClientPersistentStreamConfigurator
{
    public ClusterClientMqttStreamConfigurator(string name, IClientBuilder builder)
        : base(name, builder, MqttQueueAdapterFactory.Create)
    {
        builder.ConfigureServices(services => services
            .ConfigureNamedOptionForLogging<MqttStreamOptions>(name)
            .ConfigureNamedOptionForLogging<HashRingStreamQueueMapperOptions>(name)
            .AddTransient<IConfigurationValidator>(sp => new MqttStreamOptionsValidator(
                sp.GetRequiredService<IOptionsMonitor<MqttStreamOptions>>().Get(name), name)));
    }

    public ClusterClientMqttStreamConfigurator ConfigureMqtt(Action<OptionsBuilder<MqttStreamOptions>> configureOptions)
    {
        this.Configure(configureOptions);
        return this;
    }

    /// <summary>Must match the silos' queue count, or the client publishes to topics no silo reads.</summary>
    public ClusterClientMqttStreamConfigurator ConfigurePartitioning(int queueCount = HashRingStreamQueueMapperOptions.DEFAULT_NUM_QUEUES)
    {
        this.Configure<HashRingStreamQueueMapperOptions>(ob => ob.Configure(options => options.TotalQueueCount = queueCount));
        return this;
    }
}
