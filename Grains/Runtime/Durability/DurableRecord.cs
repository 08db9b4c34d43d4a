using Dagger.Orleans.Runtime.Resilience;
using Orleans.Serialization;
using Polly;
using Orleans.Storage;

namespace Dagger.Orleans.Runtime.Durability;

/// <summary>
/// One record a grain keeps in the run-state storage (<see cref="DaggerOptions.StateStorage"/>): a DAG grain's run, a
/// durable node's checkpoint. Read only when wanted (a node that never needs its checkpoint never reads it) and
/// written one write at a time: a reentrant grain may save several times while a write is out, and the writes
/// after it coalesce into one of the latest value. A failing storage is retried a few times, then the failure
/// reaches the caller, naming the record and the storage — the caller decides (a run fails), nothing is dropped.
/// </summary>
internal sealed class DurableRecord<T> where T : class
{
    private static readonly ResiliencePipeline SystemClockRetries = ResiliencePipelines.BuildStateStorage(TimeProvider.System);
    private readonly ResiliencePipeline _retries;
    private readonly IGrainStorage _storage;
    private readonly Serializer _serializer;
    private readonly string _stateName;
    private readonly GrainId _grainId;
    private readonly string _storageName;
    private readonly GrainState<StoredBytes> _state = new(new StoredBytes());
    private T? _pending;
    private Task? _writing;
    // Whether this instance has heard the stored ETag (a read, or its own write): a first write without it reads first.
    private bool _etagKnown;

    public DurableRecord(IGrainStorage storage, string storageName, Serializer serializer, string stateName, GrainId grainId, ResiliencePipeline? retries = null)
    {
        _retries = retries ?? SystemClockRetries;
        _storage = storage;
        _storageName = storageName;
        _serializer = serializer;
        _stateName = stateName;
        _grainId = grainId;
    }

    /// <summary>The stored value, or null when there is none.</summary>
    public async Task<T?> ReadAsync()
    {
        await WithRetriesAsync("read", () => _storage.ReadStateAsync(_stateName, _grainId, _state));
        _etagKnown = true;
        return _state.RecordExists && _state.State?.Data is { Length: > 0 } data ? _serializer.Deserialize<T>(data) : null;
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
        await WithRetriesAsync("clear", () => _storage.ClearStateAsync(_stateName, _grainId, _state));
    }

    private async Task WriteLoopAsync()
    {
        if (!_etagKnown)
        {
            // A record this activation never read may have been written by an earlier one: write over what is there
            // only as its successor, which reads it first — a later writer then makes this one stale, never the reverse.
            var current = new GrainState<StoredBytes>(new StoredBytes());
            await WithRetriesAsync("read", () => _storage.ReadStateAsync(_stateName, _grainId, current));
            _state.ETag = current.ETag;
            _state.RecordExists = current.RecordExists;
            _etagKnown = true;
        }
        while (_pending is { } value)
        {
            _pending = null;
            _state.State = new StoredBytes { Data = _serializer.SerializeToArray(value) };
            await WithRetriesAsync("write", () => _storage.WriteStateAsync(_stateName, _grainId, _state));
        }
    }

    /// <summary>Runs <paramref name="operation"/> on the <see cref="ResiliencePipelines.StateStorageName"/> schedule; the last failure reaches the caller, named.</summary>
    private async Task WithRetriesAsync(string what, Func<Task> operation)
    {
        var attempts = 0;
        try
        {
            await _retries.ExecuteAsync(async _ =>
            {
                attempts++;
                await operation();
            });
        }
        catch (InconsistentStateException e)
        {
            // Someone wrote the record after this instance last saw it: another activation of the same grain took
            // over (this one's silo was declared dead, say). Its record is newer; this writer is stale and stops.
            throw new StaleRecordException($"'{_stateName}' of {_grainId} in grain storage '{_storageName}' was written by another activation since this one read it: this one is stale and does not overwrite it", e);
        }
        catch (Exception e)
        {
            throw new DurableStateException($"could not {what} '{_stateName}' of {_grainId} in grain storage '{_storageName}' after {attempts} attempts: {e.Message}", e);
        }
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
