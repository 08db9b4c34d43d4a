using Dagger.Orleans.Persistence.AzureStorage.Hosting;
using Microsoft.Extensions.Configuration;

namespace Dagger.Orleans.Silo;

/// <summary>
/// The <c>Dagger:State</c> section: where runs and durable nodes' checkpoints are kept. <c>Provider</c> = <c>memory</c>
/// (the default: as long as the cluster lives) or <c>azure</c> (Azure Tables, blobs for large records, at the
/// <c>AzureStorage</c> connection string — Azurite locally): runs then outlive a restart of every silo, and nodes
/// whose edges are all on NATS/MQTT resume from their checkpoints when their silo dies.
/// </summary>
internal sealed class StateSettings
{
    public const string Section = "Dagger:State";
    public const string MemoryProvider = "memory";
    public const string AzureProvider = "azure";

    /// <summary>The name of the grain storage the silo registers for the runtime (DaggerOptions.StateStorage).</summary>
    public const string StorageName = "dagger";

    public string Provider { get; set; } = MemoryProvider;

    /// <summary>A storage connection string, e.g. <c>UseDevelopmentStorage=true</c> for Azurite on its default ports.</summary>
    public string? AzureStorage { get; set; }

    public string TableName { get; set; } = "DaggerGrainState";

    public static StateSettings Bind(IConfiguration configuration, string profile)
    {
        var settings = new StateSettings();
        configuration.GetSection(Section).Bind(settings, o => o.ErrorOnUnknownConfiguration = true);
        switch (settings.Provider)
        {
            case MemoryProvider:
                break;
            case AzureProvider:
                StorageConnectionSetting.Parse(settings.AzureStorage, Section, AzureProvider, profile);
                break;
            default:
                throw new InvalidOperationException($"profile '{profile}': {Section}:Provider '{settings.Provider}' is not one of {MemoryProvider}, {AzureProvider}");
        }
        return settings;
    }
}

internal static class StateStorageSetup
{
    /// <summary>Registers the run-state storage <see cref="SiloSettings.State"/> names; answers its name for DaggerOptions.StateStorage (null: the runtime's in-memory one).</summary>
    public static string? UseDaggerStateStorage(this ISiloBuilder silo, SiloSettings settings)
    {
        var state = settings.State;
        if (state.Provider != StateSettings.AzureProvider) return null;
        silo.AddAzureTableGrainStorage(StateSettings.StorageName, o =>
        {
            o.UseConnectionString(state.AzureStorage!);
            o.TableName = state.TableName;
        });
        return StateSettings.StorageName;
    }
}
