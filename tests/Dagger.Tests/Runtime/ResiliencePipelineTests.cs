using Dagger.Orleans.Client;
using Dagger.Orleans.Runtime.Durability;
using Dagger.Orleans.Runtime.Resilience;
using Dagger.Orleans.Tests.TestSupport;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;
using Xunit;

namespace Dagger.Orleans.Tests.Runtime;

/// <summary>
/// Each named retry schedule, driven by a fake clock: how many tries, how far apart, what ends them, and the error the
/// caller gets. Nothing here waits for a pause in real time: a pause ends when the test advances the clock past it.
/// </summary>
public sealed class ResiliencePipelineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_storage_that_keeps_failing_is_tried_four_times_200ms_1s_and_3s_apart_then_the_record_and_storage_are_named()
    {
        var clock = new SteppedClock();
        var storage = new FailingStorage(failures: int.MaxValue);
        var read = Record(storage, clock).ReadAsync();

        await clock.PassPauseAsync(TimeSpan.FromMilliseconds(200), () => Assert.Equal(1, storage.Calls));
        await clock.PassPauseAsync(TimeSpan.FromSeconds(1), () => Assert.Equal(2, storage.Calls));
        await clock.PassPauseAsync(TimeSpan.FromSeconds(3), () => Assert.Equal(3, storage.Calls));

        var error = await Assert.ThrowsAsync<DurableStateException>(() => read.WaitAsync(Patience));
        Assert.Contains("could not read 'checkpoint'", error.Message);
        Assert.Contains("in grain storage 'test-storage' after 4 attempts: storage down (call 4)", error.Message);
        Assert.Equal(4, storage.Calls);
    }

    [Fact]
    public async Task A_storage_that_comes_back_within_the_schedule_is_read_as_if_it_had_never_failed()
    {
        var clock = new SteppedClock();
        var storage = new FailingStorage(failures: 2);
        var read = Record(storage, clock).ReadAsync();

        await clock.PassPauseAsync(TimeSpan.FromMilliseconds(200), () => Assert.Equal(1, storage.Calls));
        await clock.PassPauseAsync(TimeSpan.FromSeconds(1), () => Assert.Equal(2, storage.Calls));

        Assert.Null(await read.WaitAsync(Patience));
        Assert.Equal(3, storage.Calls);
    }

    [Fact]
    public async Task Every_try_of_a_record_read_from_a_grain_runs_on_the_grains_scheduler()
    {
        var clock = new SteppedClock();
        var storage = new FailingStorage(failures: 2);
        var grainScheduler = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        var read = Task.Factory.StartNew(() => Record(storage, clock).ReadAsync(), CancellationToken.None, TaskCreationOptions.None, grainScheduler).Unwrap();

        await clock.PassPauseAsync(TimeSpan.FromMilliseconds(200), () => Assert.Equal(1, storage.Calls));
        await clock.PassPauseAsync(TimeSpan.FromSeconds(1), () => Assert.Equal(2, storage.Calls));

        Assert.Null(await read.WaitAsync(Patience));
        Assert.Equal(3, storage.CalledOn.Count);
        Assert.All(storage.CalledOn, scheduler => Assert.Same(grainScheduler, scheduler));
    }

    [Fact]
    public async Task An_etag_conflict_is_not_tried_again_the_writer_is_stale()
    {
        var storage = new FailingStorage(failures: int.MaxValue, conflict: true);
        var error = await Assert.ThrowsAsync<StaleRecordException>(() => Record(storage, new SteppedClock()).SaveAsync(["mine"]).WaitAsync(Patience));
        Assert.Contains("was written by another activation", error.Message);
        Assert.Equal(1, storage.Writes);
    }

    [Fact]
    public async Task Waking_the_runs_is_tried_1s_5s_and_15s_apart_then_the_last_error_reaches_the_caller()
    {
        var clock = new SteppedClock();
        var calls = 0;
        var wake = ResiliencePipelines.BuildRunWakeUp(clock).ExecuteAsync(_ =>
        {
            calls++;
            throw new InvalidOperationException($"registry down (call {calls})");
        }).AsTask();

        await clock.PassPauseAsync(TimeSpan.FromSeconds(1), () => Assert.Equal(1, calls));
        await clock.PassPauseAsync(TimeSpan.FromSeconds(5), () => Assert.Equal(2, calls));
        await clock.PassPauseAsync(TimeSpan.FromSeconds(15), () => Assert.Equal(3, calls));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => wake.WaitAsync(Patience));
        Assert.Equal("registry down (call 4)", error.Message);
        Assert.Equal(4, calls);
    }

    [Fact]
    public async Task A_silo_stopping_during_a_pause_ends_the_wake_up_tries_at_once()
    {
        var clock = new SteppedClock();
        using var stopping = new CancellationTokenSource();
        var calls = 0;
        var wake = ResiliencePipelines.BuildRunWakeUp(clock).ExecuteAsync(_ =>
        {
            calls++;
            throw new InvalidOperationException("registry down");
        }, stopping.Token).AsTask();

        await clock.NextPauseAsync();
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wake.WaitAsync(Patience));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_gateway_read_is_asked_again_every_500ms_twenty_times_then_the_last_error_reaches_the_caller()
    {
        var clock = new SteppedClock();
        var calls = 0;
        var read = GatewayRetry.ReadAsync<int>(() =>
        {
            calls++;
            throw new SiloUnavailableException($"gone (call {calls})");
        }, pipeline: GatewayRetry.Build(clock));

        for (var attempt = 1; attempt < GatewayRetry.Attempts; attempt++)
        {
            await clock.PassPauseAsync(GatewayRetry.Pause, () => Assert.Equal(attempt, calls));
        }

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => read.WaitAsync(Patience));
        Assert.Contains($"gone (call {GatewayRetry.Attempts})", error.Message);
        Assert.Equal(GatewayRetry.Attempts, calls);
    }

    [Fact]
    public async Task Cancelling_a_gateway_read_during_its_pause_ends_it_at_once()
    {
        var clock = new SteppedClock();
        using var cancel = new CancellationTokenSource();
        var calls = 0;
        var read = GatewayRetry.ReadAsync<int>(() =>
        {
            calls++;
            throw new ConnectionFailedException("Unable to connect to endpoint 127.0.0.1:1");
        }, cancel.Token, GatewayRetry.Build(clock));

        await clock.NextPauseAsync();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Patience));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_lost_stream_position_question_is_asked_again_every_100ms_until_it_is_answered()
    {
        var clock = new SteppedClock();
        var asked = 0;
        var answer = ResiliencePipelines.BuildStreamPosition(clock).ExecuteAsync(_ =>
            ++asked <= 3 ? throw new SiloUnavailableException("the consumer's silo is gone") : ValueTask.FromResult(41L)).AsTask();

        for (var lost = 1; lost <= 3; lost++)
        {
            var before = lost;
            await clock.PassPauseAsync(ResiliencePipelines.StreamPositionPause, () => Assert.Equal(before, asked));
        }

        Assert.Equal(41L, await answer.WaitAsync(Patience));
        Assert.Equal(4, asked);
    }

    [Fact]
    public async Task Any_other_error_of_a_stream_position_question_reaches_the_producer_at_once()
    {
        var asked = 0;
        var answer = ResiliencePipelines.BuildStreamPosition(new SteppedClock()).ExecuteAsync<long>(_ =>
        {
            asked++;
            throw new ArgumentOutOfRangeException("port", "no input port 3");
        }).AsTask();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => answer.WaitAsync(Patience));
        Assert.Equal(1, asked);
    }

    [Fact]
    public async Task A_producer_cancelled_while_its_consumer_is_out_of_reach_stops_asking()
    {
        var clock = new SteppedClock();
        using var forced = new CancellationTokenSource();
        var asked = 0;
        var answer = ResiliencePipelines.BuildStreamPosition(clock).ExecuteAsync<long>(_ =>
        {
            asked++;
            throw new SiloUnavailableException("the consumer's silo is gone");
        }, forced.Token).AsTask();

        await clock.NextPauseAsync(ResiliencePipelines.StreamPositionPause);
        await forced.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answer.WaitAsync(Patience));
        Assert.Equal(1, asked);
    }

    private static DurableRecord<string[]> Record(IGrainStorage storage, TimeProvider clock) =>
        new(storage, "test-storage", "checkpoint", GrainId.Create("test", Guid.NewGuid().ToString("N")), retries: ResiliencePipelines.BuildStateStorage(clock));

    /// <summary>A grain storage that fails its first <c>failures</c> calls (with an ETag conflict when <c>conflict</c>), then finds no record.</summary>
    /// <summary>Fails its first calls with an I/O error; or (<paramref name="conflict"/>) reads a record that exists
    /// and refuses every write as an ETag conflict, as storage does when another activation wrote last.</summary>
    private sealed class FailingStorage(int failures, bool conflict = false) : IGrainStorage
    {
        private int _calls;
        private int _writes;

        public int Calls => Volatile.Read(ref _calls);

        public int Writes => Volatile.Read(ref _writes);

        /// <summary>The scheduler each call ran on.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<TaskScheduler> CalledOn { get; } = new();

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (!conflict) return Call();
            Interlocked.Increment(ref _calls);
            (grainState.RecordExists, grainState.ETag) = (true, "theirs");
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Interlocked.Increment(ref _writes);
            return Call();
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Call();

        private Task Call()
        {
            CalledOn.Enqueue(TaskScheduler.Current);
            var call = Interlocked.Increment(ref _calls);
            if (call > failures) return Task.CompletedTask;
            return Task.FromException(conflict
                ? new InconsistentStateException("etag mismatch")
                : new IOException($"storage down (call {call})"));
        }
    }
}
