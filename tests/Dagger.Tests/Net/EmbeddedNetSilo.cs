using System.Text.Json;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Net;

/// <summary>The embedded silo of <c>dagger run</c> (its Dagger:Net:Allow is loopback), shared by the network tests.</summary>
public sealed class EmbeddedNetSilo : IAsyncLifetime
{
    public DaggerClient Dagger { get; private set; } = null!;

    public async Task InitializeAsync() => Dagger = await DaggerClient.StartEmbeddedAsync();

    public async Task DisposeAsync() => await Dagger.DisposeAsync();

    public Task<DagRun> SubmitAsync(string specJson) => Dagger.SubmitAsync(DagSpecReader.ReadOrThrow(specJson));

    /// <summary>Runs to the end (bounded) and insists it completed.</summary>
    public async Task<DagStatus> RunAsync(string specJson, TimeSpan? timeout = null) => await CompletedAsync(await SubmitAsync(specJson), timeout);

    public static async Task<DagStatus> CompletedAsync(DagRun run, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var status = await run.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
        Assert.True(status.State == DagState.Completed, $"{status.State}: {status.Error}");
        return status;
    }

    /// <summary>Waits (bounded, by polling the run's status) until node <paramref name="nodeId"/> reports counter <paramref name="counter"/> at least <paramref name="atLeast"/>.</summary>
    public static async Task WaitForCounterAsync(DagRun run, string nodeId, string counter, long atLeast = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var status = await run.GetStatusAsync();
            var node = status.Nodes.Single(n => n.NodeId == nodeId);
            if (node.Counters?.GetValueOrDefault(counter) >= atLeast) return;
            if (status.State != DagState.Running) throw new InvalidOperationException($"the run ended ({status.State}: {status.Error}) before node '{nodeId}' counted {atLeast} {counter}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"node '{nodeId}' did not count {atLeast} {counter} within 30 s (counters: {JsonSerializer.Serialize(node.Counters)})");
            await Task.Delay(50);
        }
    }

    public static long Counter(DagStatus status, string nodeId, string counter) =>
        status.Nodes.Single(n => n.NodeId == nodeId).Counters?.GetValueOrDefault(counter) ?? throw new InvalidOperationException($"node '{nodeId}' reports no counters");

    public static JsonElement Result(DagStatus status, string nodeId) => JsonDocument.Parse(status.Results[nodeId]).RootElement;
}

[CollectionDefinition(Name)]
public sealed class EmbeddedNetSiloCollection : ICollectionFixture<EmbeddedNetSilo>
{
    public const string Name = "embedded silo for network operators";
}
