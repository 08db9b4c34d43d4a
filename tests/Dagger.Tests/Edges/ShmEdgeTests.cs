using Dagger.Orleans.Runtime;
using Xunit;

namespace Dagger.Orleans.Tests.Edges;

/// <summary>
/// A 2-silo cluster (one process, so one host) whose <c>shm</c> edges are rings in a directory of its own; when the
/// cluster goes, no ring may be left there.
/// </summary>
public sealed class ShmCluster : TransportCluster
{
    public string RingDirectory { get; } = Path.Combine(Path.GetTempPath(), "dagger-shm-test-" + Guid.NewGuid().ToString("N")[..8]);

    public override string Transport => global::Dagger.Orleans.Spec.Transports.SharedMemory;

    protected override void ConfigureDagger(DaggerOptions options) => options.Shm = new ShmOptions { Directory = RingDirectory, RingBytes = 4 << 20 };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        var left = Directory.Exists(RingDirectory) ? Directory.GetFiles(RingDirectory) : [];
        if (Directory.Exists(RingDirectory)) Directory.Delete(RingDirectory, recursive: true);
        // A failure here fails the test class: every ring goes with its edge or its run.
        if (left.Length > 0) throw new InvalidOperationException($"shm rings left after the tests: {string.Join(", ", left.Select(Path.GetFileName))}");
    }
}

/// <summary>The edge contract on shm edges (rings in memory-mapped files).</summary>
public sealed class ShmEdgeTests(ShmCluster cluster) : EdgeContract<ShmCluster>(cluster), IClassFixture<ShmCluster>;
