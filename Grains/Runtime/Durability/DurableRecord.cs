using Dagger.Orleans.Runtime.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Polly;

namespace Dagger.Orleans.Runtime.Durability;

/// <summary>
/// One record a grain keeps in a persistent grain storage (<see cref="DaggerOptions.StateStorage"/> for runs,
/// <see cref="DaggerOptions.CheckpointStorage"/> for checkpoints): a DAG grain's run, a durable node's checkpoint.
/// Read only when wanted (a node that never needs its checkpoint never reads it) and written one write at a time: a
/// reentrant grain may save several times while a write is out, and the writes after it coalesce into one of the
/// latest value. A failing storage is retried a few times, then the failure reaches the caller, naming the record, the
/// storage and where it is — the caller decides (a run fails), nothing is dropped. The value goes to the storage as
/// it is, in a <see cref="StoredRecord{T}"/> that carries its format; the storage serializes it (once).
/// </summary>
internal sealed class DurableRecord<T> where T : class
{
    private static readonly ResiliencePipeline SystemClockRetries = ResiliencePipelines.BuildStateStorage(TimeProvider.System);
    private readonly ResiliencePipeline _retries;
    private readonly IGrainStorage _storage;
    private readonly string _stateName;
    private readonly GrainId _grainId;
    private readonly string _storageName;
    private readonly string? _where;
    private readonly GrainState<StoredRecord<T>> _state = new(new StoredRecord<T>());
    private T? _pending;
    private Task? _writing;
    // Whether this instance has heard the stored ETag (a read, or its own write): a first write without it reads first.
    private bool _etagKnown;

    public DurableRecord(IGrainStorage storage, string storageName, string stateName, GrainId grainId, DurableStorageDescription? where = null,
        ResiliencePipeline? retries = null)
    {
        _retries = retries ?? SystemClockRetries;
        _storage = storage;
        _storageName = storageName;
        _stateName = stateName;
        _grainId = grainId;
        _where = where?.Text;
    }

    /// <summary>
    /// The record <paramref name="stateName"/> of <paramref name="grainId"/> in the grain storage the silo registered as
    /// <paramref name="storageName"/>, retried on the silo's <see cref="ResiliencePipelines.StateStorage"/> schedule (on
    /// the system clock where the services have none: a bare service collection in a storage test).
    /// </summary>
    public static DurableRecord<T> In(IServiceProvider services, string storageName, string stateName, GrainId grainId) => new(
        services.GetRequiredKeyedService<IGrainStorage>(storageName), storageName, stateName, grainId,
        services.GetKeyedService<DurableStorageDescription>(storageName), services.GetService<ResiliencePipelines>()?.StateStorage);

    /// <summary>The stored value, or null when there is none.</summary>
    /// <exception cref="DurableStateException">The record was written in a format this version does not read.</exception>
    public async Task<T?> ReadAsync()
    {
        await WithRetriesAsync("read", () => Described(_storage.ReadStateAsync(_stateName, _grainId, _state)));
        _etagKnown = true;
        if (!_state.RecordExists || _state.State is not { } stored) return null;
        if (stored.Format != StoredRecord<T>.CurrentFormat)
        {
            throw new DurableStateException(
                $"'{_stateName}' of {_grainId} in grain storage '{_storageName}'{At} was written in record format {stored.Format}; this version reads format {StoredRecord<T>.CurrentFormat} only and leaves the record as it is");
        }
        return stored.Value;
    }

    /// <summary>Stores <paramref name="value"/>; completes once it (or a later value) is stored.</summary>
    public Task SaveAsync(T value)
    {
        _pending = value;
        // A write under way takes the value up when it is done (the grain's single thread sees no gap between its
        // last look at _pending and its end); otherwise a new write starts.
        if (_writing is { IsCompleted: false } writing) return writing;
        return _writing = WriteLoopAsync();
    }

    /// <summary>Removes the record (a run's nodes forget their checkpoints once the run has ended).</summary>
    public async Task ClearAsync()
    {
        if (_writing is { } writing) await writing;
        if (!_state.RecordExists && _state.ETag is null) return;
        await WithRetriesAsync("clear", () => Described(_storage.ClearStateAsync(_stateName, _grainId, _state)));
    }

    private async Task WriteLoopAsync()
    {
        if (!_etagKnown)
        {
            // A record this activation never read may have been written by an earlier one: write over what is there
            // only as its successor, which reads it first — a later writer then makes this one stale, never the reverse.
            var current = new GrainState<StoredRecord<T>>(new StoredRecord<T>());
            await WithRetriesAsync("read", () => Described(_storage.ReadStateAsync(_stateName, _grainId, current)));
            _state.ETag = current.ETag;
            _state.RecordExists = current.RecordExists;
            _etagKnown = true;
        }
        while (_pending is { } value)
        {
            _pending = null;
            _state.State = new StoredRecord<T> { Value = value };
            await WithRetriesAsync("write", () => Described(_storage.WriteStateAsync(_stateName, _grainId, _state)));
        }
    }

    private string At => _where is null ? "" : $" ({_where})";

    /// <summary>
    /// A storage failure as the providers report it ("Connection refused", an HTTP status) with where the storage is
    /// in front, so the message that finally reaches the run names the endpoint; an ETag conflict passes unchanged.
    /// </summary>
    private async Task Described(Task operation)
    {
        try
        {
            await operation;
        }
        catch (Exception e) when (_where is not null && e is not InconsistentStateException && e is not DurableStateException)
        {
            throw new DurableStateException($"{_where}: {e.Message}", e);
        }
    }

    /// <summary>Runs <paramref name="operation"/> on the <see cref="ResiliencePipelines.StateStorageName"/> schedule; the last failure reaches the caller, named.</summary>
    private async Task WithRetriesAsync(string what, Func<Task> operation)
    {
        var attempts = 0;
        try
        {
            await _retries.ExecuteInGrainTurnAsync(async _ =>
            {
                attempts++;
                await operation();
            });
        }
        catch (InconsistentStateException e)
        {
            throw await ConflictExplainedAsync(e);
        }
        catch (Exception e)
        {
            throw new DurableStateException($"could not {what} '{_stateName}' of {_grainId} in grain storage '{_storageName}' after {attempts} attempts: {e.Message}", e);
        }
    }
    /// <summary>
    /// What an ETag conflict means, from one look at the record: someone wrote it after this instance last saw it —
    /// another activation of the same grain took over (this one's silo was declared dead, say), so this writer is stale
    /// and stops — or it is no longer there at all (its table or container deleted, a storage service restarted without
    /// its data), which no newer activation explains and which must fail the run, naming it, rather than look stale.
    /// </summary>
    private async Task<Exception> ConflictExplainedAsync(InconsistentStateException conflict)
    {
        var current = new GrainState<StoredRecord<T>>(new StoredRecord<T>());
        try
        {
            await _storage.ReadStateAsync(_stateName, _grainId, current);
        }
        catch (Exception e)
        {
            return new DurableStateException($"'{_stateName}' of {_grainId} in grain storage '{_storageName}'{At} did not match what this activation last wrote, and reading it back failed: {e.Message}", conflict);
        }
        if (!current.RecordExists)
        {
            return new DurableStateException(
                $"'{_stateName}' of {_grainId} in grain storage '{_storageName}'{At} is gone: this activation wrote it and it is no longer there " +
                "(its table or container was deleted, or the storage lost its data); nothing was written over it", conflict);
        }
        return new StaleRecordException($"'{_stateName}' of {_grainId} in grain storage '{_storageName}' was written by another activation since this one read it: this one is stale and does not overwrite it", conflict);
    }
}

/// <summary>The run-state storage failed for good (after retries): the message names the record and the storage.</summary>
[GenerateSerializer]
public sealed class DurableStateException : Exception
{
    public DurableStateException(string message, Exception inner) : base(message, inner) { }

    public DurableStateException(string message) : base(message) { }
}

/// <summary>A record changed under its writer (an ETag conflict): a newer activation owns it now, and the stale one must stop, not overwrite.</summary>
[GenerateSerializer]
public sealed class StaleRecordException : Exception
{
    public StaleRecordException(string message, Exception inner) : base(message, inner) { }

    public StaleRecordException(string message) : base(message) { }
}
