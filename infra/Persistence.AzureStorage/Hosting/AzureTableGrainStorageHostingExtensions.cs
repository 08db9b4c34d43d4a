using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Dagger.Orleans.Persistence.AzureStorage.Hosting;

/// <summary>
/// <c>AddAzureTableGrainStorage(name, ...)</c>: a named Orleans grain storage in Azure Tables (large states in blobs);
/// grains use it with <c>[PersistentState("state", name)]</c>. <c>...AsDefault</c> registers it under Orleans' default name.
/// </summary>
public static class AzureTableGrainStorageHostingExtensions
{
    public static ISiloBuilder AddAzureTableGrainStorageAsDefault(this ISiloBuilder builder, Action<AzureTableGrainStorageOptions> configureOptions) =>
        builder.AddAzureTableGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    public static ISiloBuilder AddAzureTableGrainStorage(this ISiloBuilder builder, string name, Action<AzureTableGrainStorageOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(configureOptions);
        return builder.AddAzureTableGrainStorage(name, options => options.Configure(configureOptions));
    }

    public static ISiloBuilder AddAzureTableGrainStorageAsDefault(this ISiloBuilder builder, Action<OptionsBuilder<AzureTableGrainStorageOptions>>? configureOptions = null) =>
        builder.AddAzureTableGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>The options-builder form, for binding configuration or resolving clients from the container (<c>ob.Configure&lt;TableServiceClient&gt;(...)</c>).</summary>
    public static ISiloBuilder AddAzureTableGrainStorage(this ISiloBuilder builder, string name, Action<OptionsBuilder<AzureTableGrainStorageOptions>>? configureOptions = null) =>
        builder.ConfigureServices(services => services.AddAzureTableGrainStorage(name, configureOptions));

    public static IServiceCollection AddAzureTableGrainStorage(this IServiceCollection services, string name, Action<OptionsBuilder<AzureTableGrainStorageOptions>>? configureOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        configureOptions?.Invoke(services.AddOptions<AzureTableGrainStorageOptions>(name));
        services.AddTransient<IConfigurationValidator>(sp =>
            new AzureTableGrainStorageOptionsValidator(sp.GetRequiredService<IOptionsMonitor<AzureTableGrainStorageOptions>>().Get(name), name));
        services.AddTransient<IPostConfigureOptions<AzureTableGrainStorageOptions>, DefaultStorageProviderSerializerOptionsConfigurator<AzureTableGrainStorageOptions>>();
        services.ConfigureNamedOptionForLogging<AzureTableGrainStorageOptions>(name);
        return services.AddGrainStorage(name, AzureTableGrainStorage.Create);
    }
}
