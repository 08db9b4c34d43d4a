using Orleans.Hosting;

namespace Dagger.Orleans.Streaming.Mqtt.Hosting;

/// <summary><c>AddMqttStreams</c>: a named persistent stream provider on an MQTT 5 broker, for silos and clients.</summary>
public static class MqttStreamsHostingExtensions
{
    public static ISiloBuilder AddMqttStreams(this ISiloBuilder builder, string name, Action<MqttStreamOptions> configureOptions) =>
        builder.AddMqttStreams(name, c => c.ConfigureMqtt(ob => ob.Configure(configureOptions)));

    public static ISiloBuilder AddMqttStreams(this ISiloBuilder builder, string name, Action<SiloMqttStreamConfigurator>? configure)
    {
        var configurator = new SiloMqttStreamConfigurator(name, configureServices => builder.ConfigureServices(configureServices));
        configure?.Invoke(configurator);
        return builder;
    }

    public static IClientBuilder AddMqttStreams(this IClientBuilder builder, string name, Action<MqttStreamOptions> configureOptions) =>
        builder.AddMqttStreams(name, c => c.ConfigureMqtt(ob => ob.Configure(configureOptions)));

    public static IClientBuilder AddMqttStreams(this IClientBuilder builder, string name, Action<ClusterClientMqttStreamConfigurator>? configure)
    {
        var configurator = new ClusterClientMqttStreamConfigurator(name, builder);
        configure?.Invoke(configurator);
        return builder;
    }
}
