using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace Dagger.Orleans.Runtime.Durability;

/// <summary>Where the run registry lives.</summary>
public static class RunRegistry
{
    public const string Key = "runs";
}

/// <summary>The list the registry keeps.</summary>
[GenerateSerializer]
internal sealed class RunList
{
    [Id(0)] public HashSet<string> DagIds { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Keeps the ids of the runs that can go on after a cluster restart (<see cref="IRunRegistryGrain"/>). Calls are
/// one at a time (not reentrant), so each write follows the one before; the list only holds runs still going.
/// </summary>
internal sealed partial class RunRegistryGrain(IOptions<DaggerOptions> options, ILogger<RunRegistryGrain> logger) : Grain, IRunRegistryGrain
{
    private DurableRecord<RunList>? _record;
    private RunList _runs = new();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Only resumable runs register, and a run is resumable only with a persistent storage.
        var storageName = options.Value.StateStorage ?? throw new InvalidOperationException("the run registry needs DaggerOptions.StateStorage: a persistent grain storage");
        _record = new DurableRecord<RunList>(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(storageName), storageName,
            ServiceProvider.GetRequiredService<Serializer>(), "list", this.GetGrainId(),
            ServiceProvider.GetRequiredService<Resilience.ResiliencePipelines>().StateStorage);
        _runs = await _record.ReadAsync() ?? new RunList();
    }

    public async Task AddAsync(string dagId)
    {
        if (_runs.DagIds.Add(dagId)) await _record!.SaveAsync(_runs);
    }

    public async Task RemoveAsync(string dagId)
    {
        if (_runs.DagIds.Remove(dagId)) await _record!.SaveAsync(_runs);
    }

    public async Task<int> WakeAllAsync()
    {
        var ids = _runs.DagIds.ToArray();
        if (ids.Length > 0) LogWaking(logger, ids.Length);
        await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IDagGrain>(id).WakeAsync()));
        return ids.Length;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "waking {Count} run(s) that were going when the cluster last stopped")]
    private static partial void LogWaking(ILogger logger, int count);
}
