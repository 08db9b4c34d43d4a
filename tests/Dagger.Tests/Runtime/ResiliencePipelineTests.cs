using Dagger.Orleans.Client;
using Dagger.Orleans.Runtime.Durability;
using Dagger.Orleans.Runtime.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Serialization;
using Orleans.Storage;
using Xunit;

namespace Dagger.Orleans.Tests.Runtime;

/// <summary>
/// Each named retry schedule, driven by a fake clock: how many tries, how far apart, what ends them, and the error the
/// caller gets. Nothing here waits for real time: a pause ends when the test advances the clock past it.
/// </summary>
public sealed class ResiliencePipelineTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public async Task A_storage_that_keeps_failing_is_tried_four_times_200ms_1s_and_3s_apart_then_the_record_and_storage_are_named()
    {
        var clock = new FakeTimeProvider();
        var storage = new FailingStorage(failures: int.MaxValue);
        var read = Record(storage, clock).ReadAsync();

        Assert.Equal(1, storage.Calls);
        await AdvanceAndExpect(clock, storage, TimeSpan.FromMilliseconds(200), calls: 2);
        await AdvanceAndExpect(clock, storage, TimeSpan.FromSeconds(1), calls: 3);
        await AdvanceAndExpect(clock, storage, TimeSpan.FromSeconds(3), calls: 4);

        var error = await Assert.ThrowsAsync<DurableStateException>(() => read);
        Assert.Contains("could not read 'checkpoint'", error.Message);
        Assert.Contains("in grain storage 'test-storage' after 4 attempts: storage down (call 4)", error.Message);
        Assert.Equal(4, storage.Calls);
    }

    [Fact]
    public async Task A_storage_that_comes_back_within_the_schedule_is_read_as_if_it_had_never_failed()
    {
        var clock = new FakeTimeProvider();
        var storage = new FailingStorage(failures: 2);
        var read = Record(storage, clock).ReadAsync();
        await AdvanceAndExpect(clock, storage, TimeSpan.FromMilliseconds(200), calls: 2);
        await AdvanceAndExpect(clock, storage, TimeSpan.FromSeconds(1), calls: 3);

        Assert.Null(await read);
        Assert.Equal(3, storage.Calls);
    }

    [Fact]
    public async Task An_etag_conflict_is_not_tried_again_the_writer_is_stale()
    {
        var storage = new FailingStorage(failures: int.MaxValue, conflict: true);
        var error = await Assert.ThrowsAsync<StaleRecordException>(() => Record(storage, new FakeTimeProvider()).ReadAsync());
        Assert.Contains("was written by another activation", error.Message);
        Assert.Equal(1, storage.Calls);
    }

    [Fact]
    public async Task Waking_the_runs_is_tried_1s_5s_and_15s_apart_then_the_last_error_reaches_the_caller()
    {
        var clock = new FakeTimeProvider();
        var pipeline = ResiliencePipelines.BuildRunWakeUp(clock);
        var calls = 0;
        using var called = new SemaphoreSlim(0);
        var wake = pipeline.ExecuteAsync(_ =>
        {
            if (++calls > 1) called.Release();
            throw new InvalidOperationException($"registry down (call {calls})");
        }).AsTask();

        Assert.Equal(1, calls);
        foreach (var (pause, next) in new[] { (TimeSpan.FromSeconds(1), 2), (TimeSpan.FromSeconds(5), 3), (TimeSpan.FromSeconds(15), 4) })
        {
            clock.Advance(pause - TimeSpan.FromTicks(1));
            Assert.Equal(next - 1, calls);
            clock.Advance(TimeSpan.FromTicks(1));
            Assert.True(await called.WaitAsync(TimeSpan.FromSeconds(10)), $"try {next} did not come once the pause had passed");
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => wake);
        Assert.Equal("registry down (call 4)", error.Message);
        Assert.Equal(4, calls);
    }

    [Fact]
    public async Task A_silo_stopping_during_a_pause_ends_the_wake_up_tries_at_once()
    {
        var clock = new FakeTimeProvider();
        using var stopping = new CancellationTokenSource();
        var calls = 0;
        var wake = ResiliencePipelines.BuildRunWakeUp(clock).ExecuteAsync(_ =>
        {
            calls++;
            throw new InvalidOperationException("registry down");
        }, stopping.Token).AsTask();

        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wake);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_gateway_read_is_asked_again_every_500ms_twenty_times_then_the_last_error_reaches_the_caller()
    {
        var clock = new FakeTimeProvider();
        var calls = 0;
        using var called = new SemaphoreSlim(0);
        var read = GatewayRetry.ReadAsync<int>(() =>
        {
            if (++calls > 1) called.Release();
            throw new SiloUnavailableException($"gone (call {calls})");
        }, pipeline: GatewayRetry.Build(clock));

        for (var attempt = 1; attempt < GatewayRetry.Attempts; attempt++)
        {
            Assert.Equal(attempt, calls);
            clock.Advance(GatewayRetry.Pause - TimeSpan.FromTicks(1));
            Assert.Equal(attempt, calls);
            clock.Advance(TimeSpan.FromTicks(1));
            Assert.True(await called.WaitAsync(TimeSpan.FromSeconds(10)), $"try {attempt + 1} did not come once the pause had passed");
        }

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => read);
        Assert.Contains($"gone (call {GatewayRetry.Attempts})", error.Message);
        Assert.Equal(GatewayRetry.Attempts, calls);
    }

    [Fact]
    public async Task Cancelling_a_gateway_read_during_its_pause_ends_it_at_once()
    {
        var clock = new FakeTimeProvider();
        using var cancel = new CancellationTokenSource();
        var calls = 0;
        var read = GatewayRetry.ReadAsync<int>(() =>
        {
            calls++;
            throw new ConnectionFailedException("Unable to connect to endpoint 127.0.0.1:1");
        }, cancel.Token, GatewayRetry.Build(clock));

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.Equal(1, calls);
    }

    private static DurableRecord<string[]> Record(IGrainStorage storage, TimeProvider clock) =>
        new(storage, "test-storage", Serializer, "checkpoint", GrainId.Create("test", Guid.NewGuid().ToString("N")), ResiliencePipelines.BuildStateStorage(clock));

    /// <summary>Nothing is tried again a tick before <paramref name="pause"/> has passed; the next try comes when it has.</summary>
    private static async Task AdvanceAndExpect(FakeTimeProvider clock, FailingStorage storage, TimeSpan pause, int calls)
    {
        clock.Advance(pause - TimeSpan.FromTicks(1));
        Assert.Equal(calls - 1, storage.Calls);
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.True(await storage.Called.WaitAsync(TimeSpan.FromSeconds(10)), $"try {calls} did not come once the pause had passed");
        Assert.Equal(calls, storage.Calls);
    }

    /// <summary>A grain storage that fails its first <c>failures</c> calls (with an ETag conflict when <c>conflict</c>), then finds no record.</summary>
    private sealed class FailingStorage(int failures, bool conflict = false) : IGrainStorage
    {
        public int Calls { get; private set; }

        /// <summary>Released once per call after the first: a test awaits the next try as an event.</summary>
        public SemaphoreSlim Called { get; } = new(0);

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Call();

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Call();

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Call();

        private Task Call()
        {
            if (++Calls > 1) Called.Release();
            if (Calls > failures) return Task.CompletedTask;
            return Task.FromException(conflict
                ? new InconsistentStateException("etag mismatch")
                : new IOException($"storage down (call {Calls})"));
        }
    }
}
