using System.CommandLine;
using System.Globalization;

namespace Dagger.Orleans.Cli;

/// <summary><c>--grace S</c> of <c>run</c> and <c>cancel</c>: how long a graceful cancellation may drain before it becomes forceful.</summary>
internal static class GraceOption
{
    /// <summary>The longest grace a grain timer takes comfortably: a day.</summary>
    private const double MaxSeconds = 86_400;

    public static Option<double?> Create()
    {
        var grace = new Option<double?>("--grace")
        {
            Description = "seconds a graceful cancel (Ctrl+C) may drain before it becomes forceful (default 10)",
        };
        grace.Validators.Add(r =>
        {
            // A value that is no number at all is reported by System.CommandLine itself.
            if (r.Tokens.Count != 1 || !double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s)) return;
            if (!(s >= 0 && s <= MaxSeconds))
                r.AddError($"--grace must be a number of seconds from 0 to {MaxSeconds:0} (got {r.Tokens[0].Value})");
        });
        return grace;
    }

    public static TimeSpan? ToTimeSpan(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;
}
