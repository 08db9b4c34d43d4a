using Dagger.Orleans.Hosting;
using Microsoft.Extensions.Configuration;

namespace Dagger.Orleans.Silo;

/// <summary>
/// The <c>Dagger:State</c> section: where runs and durable nodes' checkpoints are kept. <c>Provider</c> = <c>memory</c>
/// (the default: as long as the cluster lives) or <c>azure</c> (Orleans' official Azure storage at the <c>AzureStorage</c>
/// connection string — Azurite locally: runs as blobs in <c>ContainerName</c>, checkpoints as rows in <c>TableName</c>):
/// runs then outlive a restart of every silo, and nodes
/// whose edges are all on NATS/MQTT resume from their checkpoints when their silo dies.
/// </summary>
internal sealed class StateSettings
{
    public const string Section = "Dagger:State";
    public const string MemoryProvider = "memory";
    public const string AzureProvider = "azure";

    public string Provider { get; set; } = MemoryProvider;

    /// <summary>A storage connection string, e.g. <c>UseDevelopmentStorage=true</c> for Azurite on its default ports.</summary>
    public string? AzureStorage { get; set; }

    /// <summary>The table of durable nodes' checkpoints (official Azure table grain storage).</summary>
    public string TableName { get; set; } = new AzureStateStorageOptions().TableName;

    /// <summary>The blob container of run records (official Azure blob grain storage).</summary>
    public string ContainerName { get; set; } = new AzureStateStorageOptions().ContainerName;

    /// <summary>Where the previous Dagger version kept runs: a silo start that finds runs there fails, naming it. Empty: no check.</summary>
    public string? PreviousVersionTableName { get; set; } = new AzureStateStorageOptions().PreviousVersionTableName;

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
    /// <summary>
    /// Registers the run-state storages <see cref="SiloSettings.State"/> names; answers their names for
    /// DaggerOptions.StateStorage and CheckpointStorage (null: the runtime's in-memory state).
    /// </summary>
    public static AzureStateStorageOptions? UseDaggerStateStorage(this ISiloBuilder silo, SiloSettings settings)
    {
        var state = settings.State;
        if (state.Provider != StateSettings.AzureProvider) return null;
        var names = new AzureStateStorageOptions
        {
            TableName = state.TableName,
            ContainerName = state.ContainerName,
            PreviousVersionTableName = string.IsNullOrEmpty(state.PreviousVersionTableName) ? null : state.PreviousVersionTableName,
        };
        silo.AddDaggerAzureStateStorage(state.AzureStorage!, o =>
        {
            o.TableName = names.TableName;
            o.ContainerName = names.ContainerName;
            o.PreviousVersionTableName = names.PreviousVersionTableName;
        });
        return names;
    }
}
