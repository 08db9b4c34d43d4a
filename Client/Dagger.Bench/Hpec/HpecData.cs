using System.Runtime.InteropServices;

namespace Dagger.Orleans.Bench.Hpec;

/// <summary>Seeded data sets in HPEC's style (uniform random complex numbers; Rayleigh noise for CFAR) and their files.</summary>
internal static class HpecData
{
    /// <summary><paramref name="samples"/> complex samples, re and im uniform in [−1, 1).</summary>
    public static float[] RandomComplex(int samples, int seed)
    {
        var random = new Random(seed);
        var x = new float[2 * samples];
        for (var i = 0; i < x.Length; i++) x[i] = (float)(2 * random.NextDouble() - 1);
        return x;
    }

    /// <summary>Uniform random real values in [−1, 1) (the corner turn's matrix).</summary>
    public static float[] RandomReal(int count, int seed)
    {
        var random = new Random(seed);
        var x = new float[count];
        for (var i = 0; i < x.Length; i++) x[i] = (float)(2 * random.NextDouble() - 1);
        return x;
    }

    /// <summary>
    /// <paramref name="rows"/> range lines of Rayleigh-distributed magnitudes (unit noise power) with a target 40 dB
    /// above the noise every <paramref name="spacing"/> gates (beyond each other's CFAR windows), so CFAR has
    /// detections to report: exactly the planted ones, whose number comes back with the cube.
    /// </summary>
    public static (float[] Cube, int Planted) CfarCube(int rows, int gates, int spacing, int seed)
    {
        var random = new Random(seed);
        var cube = new float[rows * gates];
        for (var i = 0; i < cube.Length; i++) cube[i] = (float)Math.Sqrt(-Math.Log(1 - random.NextDouble()));
        var planted = 0;
        for (var row = 0; row < rows; row++)
        {
            for (var j = random.Next(spacing); j < gates; j += spacing, planted++) cube[row * gates + j] = 100f;
        }
        return (cube, planted);
    }

    /// <summary>Writes <paramref name="values"/> as little-endian float32 (what <c>bench_data</c> reads) and returns the path.</summary>
    public static string Write(string directory, string name, float[] values)
    {
        var path = Path.Combine(directory, name);
        using var file = File.Create(path);
        file.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        return path;
    }
}
