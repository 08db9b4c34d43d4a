using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Dagger.Orleans.Streaming.Nats.Hosting;

/// <summary>Configures a NATS stream provider on a silo: its options, the pulling agents' cache, and the usual persistent-stream settings.</summary>
public sealed class SiloNatsStreamConfigurator : SiloPersistentStreamConfigurator
{
    public SiloNatsStreamConfigurator(string name, Action<Action<IServiceCollection>> configureServices)
        : base(name, configureServices, NatsAdapterFactory.Create)
    {
        ConfigureDelegate(services => services
            .ConfigureNamedOptionForLogging<NatsStreamOptions>(name)
            .ConfigureNamedOptionForLogging<SimpleQueueCacheOptions>(name)
            .AddTransient<IConfigurationValidator>(sp => new NatsStreamOptionsValidator(sp.GetRequiredService<IOptionsMonitor<NatsStreamOptions>>().Get(name), name)));
    }

    public SiloNatsStreamConfigurator ConfigureNats(Action<NatsStreamOptions> configure)
    {
        this.Configure<NatsStreamOptions>(ob => ob.Configure(configure));
        return this;
    }

    /// <summary>Messages each queue's pulling agent holds (delivered or not) before it stops reading; keep it below <see cref="NatsStreamOptions.MaxAckPending"/>.</summary>
    public SiloNatsStreamConfigurator ConfigureCache(int cacheSize = SimpleQueueCacheOptions.DEFAULT_CACHE_SIZE)
    {
        this.Configure<SimpleQueueCacheOptions>(ob => ob.Configure(options => options.CacheSize = cacheSize));
        return this;
    }
}

/// <summary>Configures a NATS stream provider on a cluster client (producing only: clients run no pulling agents).</summary>
public sealed class ClusterClientNatsStreamConfigurator : ClusterClientPersistentStreamConfigurator
{
    public ClusterClientNatsStreamConfigurator(string name, IClientBuilder builder)
        : base(name, builder, NatsAdapterFactory.Create)
    {
        builder.ConfigureServices(services => services
            .ConfigureNamedOptionForLogging<NatsStreamOptions>(name)
            .AddTransient<IConfigurationValidator>(sp => new NatsStreamOptionsValidator(sp.GetRequiredService<IOptionsMonitor<NatsStreamOptions>>().Get(name), name)));
    }

    public ClusterClientNatsStreamConfigurator ConfigureNats(Action<NatsStreamOptions> configure)
    {
        this.Configure<NatsStreamOptions>(ob => ob.Configure(configure));
        return this;
    }
}
