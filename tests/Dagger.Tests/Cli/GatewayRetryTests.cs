using Xunit;
using Dagger.Orleans.Client;
using Dagger.Orleans.Tests.TestSupport;
using Dagger.Orleans.Wire;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Dagger.Orleans.Tests.Cli;

public sealed class GatewayRetryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_read_whose_gateway_died_is_asked_again_until_it_answers()
    {
        var clock = new SteppedClock();
        var calls = 0;
        var reading = GatewayRetry.ReadAsync(() =>
        {
            if (++calls < 3) throw new ConnectionFailedException("Unable to connect to endpoint 127.0.0.1:1");
            return Task.FromResult(42);
        }, pipeline: GatewayRetry.Build(clock));

        await clock.PassPauseAsync(GatewayRetry.Pause, () => Assert.Equal(1, calls));
        await clock.PassPauseAsync(GatewayRetry.Pause, () => Assert.Equal(2, calls));

        Assert.Equal(42, await reading.WaitAsync(Patience));
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Any_other_error_reaches_the_caller_at_once()
    {
        var calls = 0;
        await Assert.ThrowsAsync<DagNotFoundException>(() => GatewayRetry.ReadAsync<int>(() =>
        {
            calls++;
            throw new DagNotFoundException("x");
        }, pipeline: GatewayRetry.Build(new SteppedClock())).WaitAsync(Patience));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_gateway_that_stays_gone_ends_the_retries_with_its_error()
    {
        var clock = new SteppedClock();
        var calls = 0;
        var reading = GatewayRetry.ReadAsync<int>(() =>
        {
            calls++;
            throw new SiloUnavailableException("gone");
        }, pipeline: GatewayRetry.Build(clock));

        for (var pause = 1; pause < GatewayRetry.Attempts; pause++) await clock.PassPauseAsync(GatewayRetry.Pause, () => { });

        await Assert.ThrowsAsync<SiloUnavailableException>(() => reading.WaitAsync(Patience));
        Assert.Equal(GatewayRetry.Attempts, calls);
    }

    [Fact]
    public async Task A_read_cancelled_while_its_gateway_is_gone_ends_as_cancelled_not_as_the_lost_call()
    {
        using var cancel = new CancellationTokenSource();
        var calls = 0;
        var reading = GatewayRetry.ReadAsync<int>(() =>
        {
            calls++;
            cancel.Cancel();
            throw new SiloUnavailableException("gone");
        }, cancel.Token, GatewayRetry.Build(new SteppedClock()));

        // Polly sees the token before it would retry and ends the read as cancelled (checked: the caller gets no lost-call error).
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(Patience));
        Assert.Equal(1, calls);
    }
}
