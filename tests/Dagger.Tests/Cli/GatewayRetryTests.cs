using Xunit;
using Dagger.Orleans.Client;
using Dagger.Orleans.Wire;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Dagger.Orleans.Tests.Cli;

public sealed class GatewayRetryTests
{
    /// <summary>Runs a read on a fake clock, advancing it a pause at a time until the read ends (bounded by the attempts).</summary>
    private static Task<T> ReadOnFakeClock<T>(Func<Task<T>> read)
    {
        var clock = new FakeTimeProvider();
        var reading = GatewayRetry.ReadAsync(read, pipeline: GatewayRetry.Build(clock));
        for (var i = 0; i < GatewayRetry.Attempts && !reading.IsCompleted; i++) clock.Advance(GatewayRetry.Pause);
        return reading;
    }

    [Fact]
    public async Task A_read_whose_gateway_died_is_asked_again_until_it_answers()
    {
        var calls = 0;
        var answer = await ReadOnFakeClock(() =>
        {
            if (++calls < 3) throw new ConnectionFailedException("Unable to connect to endpoint 127.0.0.1:1");
            return Task.FromResult(42);
        });
        Assert.Equal(42, answer);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Any_other_error_reaches_the_caller_at_once()
    {
        var calls = 0;
        await Assert.ThrowsAsync<DagNotFoundException>(() => ReadOnFakeClock<int>(() =>
        {
            calls++;
            throw new DagNotFoundException("x");
        }));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_gateway_that_stays_gone_ends_the_retries_with_its_error()
    {
        var calls = 0;
        await Assert.ThrowsAsync<SiloUnavailableException>(() => ReadOnFakeClock<int>(() =>
        {
            calls++;
            throw new SiloUnavailableException("gone");
        }));
        Assert.Equal(GatewayRetry.Attempts, calls);
    }
}
