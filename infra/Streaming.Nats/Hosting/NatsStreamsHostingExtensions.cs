using Orleans.Hosting;

namespace Dagger.Orleans.Streaming.Nats.Hosting;

/// <summary><c>AddNatsStreams(name, ...)</c>: a named Orleans persistent stream provider on NATS JetStream, for silos and clients.</summary>
public static class NatsStreamsHostingExtensions
{
    public static ISiloBuilder AddNatsStreams(this ISiloBuilder builder, string name, Action<NatsStreamOptions> configureOptions) =>
        builder.AddNatsStreams(name, streams => streams.ConfigureNats(configureOptions));

    public static ISiloBuilder AddNatsStreams(this ISiloBuilder builder, string name, Action<SiloNatsStreamConfigurator>? configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var configurator = new SiloNatsStreamConfigurator(name, configureServices => builder.ConfigureServices(configureServices));
        configure?.Invoke(configurator);
        return builder;
    }

    public static IClientBuilder AddNatsStreams(this IClientBuilder builder, string name, Action<NatsStreamOptions> configureOptions) =>
        builder.AddNatsStreams(name, streams => streams.ConfigureNats(configureOptions));

    public static IClientBuilder AddNatsStreams(this IClientBuilder builder, string name, Action<ClusterClientNatsStreamConfigurator>? configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var configurator = new ClusterClientNatsStreamConfigurator(name, builder);
        configure?.Invoke(configurator);
        return builder;
    }
}
