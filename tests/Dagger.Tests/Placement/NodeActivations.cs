using Dagger.Orleans.Runtime;
using Orleans.Serialization.TypeSystem;
using Xunit;

namespace Dagger.Orleans.Tests.Placement;

internal static class NodeActivations
{
    private static readonly string NodeGrainType = RuntimeTypeNameFormatter.Format(typeof(NodeGrain));

    /// <summary>Node activations per silo, as the management grain counts them (what placement by load reads).</summary>
    public static async Task<Dictionary<SiloAddress, int>> CountAsync(IGrainFactory grains)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType == NodeGrainType).GroupBy(s => s.SiloAddress).ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount));
    }

    /// <summary>Waits (30 s at most) until no node activation is left in the cluster, so that earlier runs do not weigh on placement by load.</summary>
    public static async Task WaitUntilNoneAsync(IGrainFactory grains)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
            var left = statistics.Where(s => s.GrainType == NodeGrainType).Sum(s => s.ActivationCount);
            if (left == 0) return;
            Assert.True(DateTime.UtcNow < deadline, $"{left} node activations still there after 30 s");
            await Task.Delay(20);
        }
    }
}
