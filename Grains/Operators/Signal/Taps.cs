using System.Globalization;
using System.Runtime.InteropServices;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>Reads filter taps: a string "re,im;re,im;…" or a cf32 file (interleaved little-endian float32 re, im).</summary>
internal static class Taps
{
    public static float[] Parse(string text, string where)
    {
        var pairs = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (pairs.Length == 0) throw new FormatException($"{where}: 'taps' holds no taps; write them as \"re,im;re,im;...\"");
        var taps = new float[2 * pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            var parts = pairs[i].Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length is < 1 or > 2
                || !float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out taps[2 * i])
                || (parts.Length == 2 && !float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out taps[2 * i + 1])))
                throw new FormatException($"{where}: tap {i} ('{pairs[i]}') is not \"re,im\" (or a real \"re\")");
        }
        return taps;
    }

    public static float[] Read(string path, string where)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"{where}: no taps file '{full}'", full);
        var bytes = File.ReadAllBytes(full);
        if (bytes.Length == 0 || bytes.Length % 8 != 0)
            throw new InvalidDataException($"{where}: taps file '{full}' is truncated or empty: {bytes.Length} bytes is not a whole number of cf32 samples (8 bytes each)");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
