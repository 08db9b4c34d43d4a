using Xunit;
using Dagger.Orleans.Client;
using Dagger.Orleans.Wire;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Dagger.Orleans.Tests.Cli;

public sealed class GatewayRetryTests
{
    private static readonly TimeSpan NoPause = TimeSpan.Zero;

    [Fact]
    public async Task A_read_whose_gateway_died_is_asked_again_until_it_answers()
    {
        var calls = 0;
        var answer = await GatewayRetry.ReadAsync(() =>
        {
            if (++calls < 3) throw new ConnectionFailedException("Unable to connect to endpoint 127.0.0.1:1");
            return Task.FromResult(42);
        }, pause: NoPause);
        Assert.Equal(42, answer);
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
        }, pause: NoPause));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_gateway_that_stays_gone_ends_the_retries_with_its_error()
    {
        var calls = 0;
        await Assert.ThrowsAsync<SiloUnavailableException>(() => GatewayRetry.ReadAsync<int>(() =>
        {
            calls++;
            throw new SiloUnavailableException("gone");
        }, pause: NoPause));
        Assert.Equal(GatewayRetry.Attempts, calls);
    }
}
