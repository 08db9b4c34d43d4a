using System.Globalization;

namespace Dagger.Orleans.Operators.Signal;

/// <summary>A point target of a synthetic scene: its echo starts at range gate <see cref="Range"/> and turns by Doppler bin <see cref="Doppler"/> per CPI.</summary>
public readonly record struct RadarTarget(int Range, int Doppler, double Amplitude)
{
    /// <summary>Parses "range:doppler:amplitude;…" (amplitude optional, default 1).</summary>
    public static RadarTarget[] ParseAll(string text, string where)
    {
        var items = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var targets = new RadarTarget[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var parts = items[i].Split(':', StringSplitOptions.TrimEntries);
            if (parts.Length is < 2 or > 3
                || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var range)
                || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var doppler))
                throw new FormatException($"{where}: target {i} ('{items[i]}') is not \"range:doppler:amplitude\"");
            var amplitude = 1.0;
            if (parts.Length == 3 && !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out amplitude))
                throw new FormatException($"{where}: target {i} ('{items[i]}') has amplitude '{parts[2]}', not a number");
            targets[i] = new RadarTarget(range, doppler, amplitude);
        }
        return targets;
    }
}
