using System.Globalization;

namespace Dagger.Orleans.Bench.Reporting;

/// <summary>Numbers as a reader wants them in a table: three significant figures, k/M/G for big ones.</summary>
public static class NumberFormat
{
    public static string Value(double value, string unit)
    {
        if (double.IsNaN(value) || double.IsInfinity(value)) return "–";
        // "13.0 k µs" reads badly: long latencies in milliseconds.
        if (unit == "µs" && Math.Abs(value) >= 1000) return $"{Significant(value / 1000)} ms";
        var magnitude = Math.Abs(value);
        var (scaled, prefix) = magnitude switch
        {
            >= 1e9 => (value / 1e9, " G"),
            >= 1e6 => (value / 1e6, " M"),
            >= 1e4 => (value / 1e3, " k"),
            _ => (value, ""),
        };
        return unit.Length == 0 ? $"{Significant(scaled)}{prefix}" : $"{Significant(scaled)}{prefix} {unit}";
    }

    public static string Ratio(double? ratio) => ratio is { } r ? r.ToString(r >= 100 ? "F0" : r >= 10 ? "F1" : "F2", CultureInfo.InvariantCulture) : "–";

    /// <summary>Three significant figures, never scientific notation.</summary>
    public static string Significant(double value)
    {
        var magnitude = Math.Abs(value);
        var format = magnitude >= 100 ? "F0" : magnitude >= 10 ? "F1" : magnitude >= 1 ? "F2" : "0.###";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }
}
