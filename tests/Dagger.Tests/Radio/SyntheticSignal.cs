namespace Dagger.Orleans.Tests.Radio;

/// <summary>Magnitudes of clean Mode S transmissions at 2 Msps over a low, uneven noise floor.</summary>
internal static class SyntheticSignal
{
    private const float Pulse = 0.6f;

    public static float[] Of(int length, params (int Offset, string Hex)[] frames)
    {
        var m = new float[length];
        var random = new Random(1090);
        for (var i = 0; i < length; i++) m[i] = 0.01f + 0.02f * random.NextSingle();
        foreach (var (offset, hex) in frames)
        {
            foreach (var p in (int[])[0, 2, 7, 9]) m[offset + p] = Pulse;
            var bytes = Convert.FromHexString(hex);
            for (var i = 0; i < bytes.Length * 8; i++)
            {
                var one = (bytes[i >> 3] >> (7 - (i & 7)) & 1) == 1;
                m[offset + 16 + 2 * i + (one ? 0 : 1)] = Pulse;
            }
        }
        return m;
    }
}
