namespace Dagger.Orleans.Tests.Alloc;

/// <summary>Two small captures of noise for <c>iq_file</c>, cu8 and cf32, in the temporary folder; deleted afterwards.</summary>
public sealed class IqFiles : IDisposable
{
    private const int Samples = 512 * 64;

    public IqFiles()
    {
        var random = new Random(5);
        var name = Path.Combine(Path.GetTempPath(), $"dagger-alloc-{Guid.NewGuid():N}");
        Cu8 = name + ".cu8";
        Cf32 = name + ".cf32";
        var bytes = new byte[2 * Samples];
        random.NextBytes(bytes);
        File.WriteAllBytes(Cu8, bytes);
        var floats = new float[2 * Samples];
        for (var i = 0; i < floats.Length; i++) floats[i] = (float)(random.NextDouble() - 0.5);
        var raw = new byte[floats.Length * sizeof(float)];
        Buffer.BlockCopy(floats, 0, raw, 0, raw.Length);
        File.WriteAllBytes(Cf32, raw);
    }

    public string Cu8 { get; }

    public string Cf32 { get; }

    public void Dispose()
    {
        File.Delete(Cu8);
        File.Delete(Cf32);
    }
}
