namespace Dagger.Orleans.Runtime;

/// <summary>
/// Settings of <c>shm</c> edges (silo setting <c>Dagger:Shm</c>): a single-producer/single-consumer ring per edge in a
/// memory-mapped file, for two nodes on one host (the same silo process or two).
/// </summary>
public sealed class ShmOptions
{
    /// <summary>Where the ring files live: a tmpfs (<c>/dev/shm</c>) keeps them in memory. Every silo of a host that shares edges must name the same directory.</summary>
    public string Directory { get; set; } = DefaultDirectory;

    /// <summary>Bytes of batches a ring holds (a power of two, at least 64 KiB): the edge's flow-control window. Each edge's ring takes this much memory.</summary>
    public int RingBytes { get; set; } = 16 << 20;

    public static string DefaultDirectory => System.IO.Directory.Exists("/dev/shm") ? "/dev/shm/dagger" : Path.Combine(Path.GetTempPath(), "dagger-shm");

    /// <summary>What is wrong with these settings, naming the setting; null when they are usable.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Directory)) return "Dagger:Shm:Directory is empty: name a directory for the shm edges' ring files (e.g. /dev/shm/dagger)";
        if (RingBytes < MinRingBytes || (RingBytes & (RingBytes - 1)) != 0)
            return $"Dagger:Shm:RingBytes is {RingBytes}: it must be a power of two of at least {MinRingBytes} (64 KiB)";
        return null;
    }

    public const int MinRingBytes = 64 << 10;
}
