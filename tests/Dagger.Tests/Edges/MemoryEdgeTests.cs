using Xunit;

namespace Dagger.Orleans.Tests.Edges;

public sealed class MemoryCluster : TransportCluster
{
    public override string Transport => global::Dagger.Orleans.Spec.Transports.Memory;
}

/// <summary>The edge contract on memory edges (silo-local inboxes and windowed grain calls).</summary>
public sealed class MemoryEdgeTests(MemoryCluster cluster) : EdgeContract<MemoryCluster>(cluster), IClassFixture<MemoryCluster>;
