using Dagger.Orleans.Client;
using Dagger.Orleans.Hosting;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Orleans.Configuration;
using Orleans.TestingHost;
using Xunit;

namespace Dagger.Orleans.Tests.Cluster;

/// <summary>
/// A consumer on another silo much slower than its producer (issue 13): its producer's calls pile up behind a full
/// inbox, and none of them may wait anywhere near the grain call timeout. Scaled down so the test takes seconds: one
/// batch takes 0.5 s to process and a call times out after 3 s, so a call queued behind a full inbox of 8 batches
/// would wait 4 s — as a batch of 5 s behind a 32-slot inbox waits far past the default 30 s.
/// </summary>
public sealed class SlowConsumerTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;
    private DaggerClient _dagger = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(3));
            silo.AddDagger(o =>
            {
                o.BalancePeriod = TimeSpan.Zero;
                o.Window = 8;
                o.MaxWait = TimeSpan.FromSeconds(1);
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _dagger = DaggerClient.ForGrainFactory(_cluster.Client, OperatorCatalog.FromLoadedAssemblies(), [Transports.Memory]);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_consumer_on_another_silo_slower_than_the_call_timeout_allows_completes_with_exact_sums()
    {
        const int count = 96;
        // Four nodes lie in two blocks of two: the edge pass -> slow crosses silos. 4 elements of 125 ms: 0.5 s a batch.
        var spec = new DagBuilder().Defaults(batch: 4)
            .Node("src", "range", new { count }).Node("pass", "scale", new { factor = 3 }).Node("slow", "sleep", new { ms = 125 }).Node("out", "sum")
            .Edge("src", "pass").Edge("pass", "slow").Edge("slow", "out").Build();

        var run = await _dagger.SubmitAsync(spec);
        await using var cleanup = run.CancelOnExit();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);

        Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}");
        Assert.NotEqual(status.Nodes.Single(n => n.NodeId == "pass").Silo, status.Nodes.Single(n => n.NodeId == "slow").Silo);
        // 3 · (0 + 1 + … + 95), every element once.
        Assert.Equal(3.0 * (count - 1) * count / 2, double.Parse(status.Results["out"], System.Globalization.CultureInfo.InvariantCulture));
    }
}
