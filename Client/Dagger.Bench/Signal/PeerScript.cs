using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Dagger.Orleans.Bench.Signal;

/// <summary>One case a peer script measured: its rate in <see cref="Unit"/> and what ran.</summary>
public sealed record PeerResult(string Case, double Rate, string Unit, string Detail);

/// <summary>
/// Runs a peer's Python script from <c>bench/peers/</c> with Debian's <c>/usr/bin/python3</c> (GNU Radio's and numpy's
/// Debian packages install their bindings for it, not for a pyenv python3 that may be first on PATH). A script exits
/// 3 when its library is missing: that peer is reported as not installed, never as a failure of ours.
/// </summary>
internal static class PeerScript
{
    public const string Python = "/usr/bin/python3";

    /// <summary>The results, or the reason there are none (not installed, script not found).</summary>
    /// <exception cref="InvalidOperationException">The script failed for another reason (its stderr is in the message).</exception>
    public static async Task<(IReadOnlyList<PeerResult> Results, string? Missing)> RunAsync(string script, string arguments, TimeSpan timeout, CancellationToken cancellation)
    {
        if (!File.Exists(Python)) return ([], $"{Python} not found (the peers are Debian packages for the system Python)");
        var path = Find(script);
        if (path is null) return ([], $"bench/peers/{script} not found above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}");
        var start = new ProcessStartInfo(Python, $"\"{path}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python} {path}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} ran past {timeout.TotalSeconds:0} s and was stopped");
        }
        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode == 3) return ([], errors.Trim());
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} exited {process.ExitCode}: {Tail(errors)}");
        var results = new List<PeerResult>();
        const string marker = "RESULT ";
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // GNU Radio's logger writes to stdout as well: only the marked lines are results.
            if (!line.StartsWith(marker, StringComparison.Ordinal)) continue;
            using var json = JsonDocument.Parse(line[marker.Length..]);
            var root = json.RootElement;
            if (root.TryGetProperty("wrong_cpis", out var wrong) && wrong.GetInt64() != 0)
                throw new InvalidOperationException($"{script}: {wrong.GetInt64()} CPIs did not give their detections");
            results.Add(new PeerResult(root.GetProperty("case").GetString()!, root.GetProperty("rate").GetDouble(),
                root.GetProperty("unit").GetString()!, root.GetProperty("detail").GetString()!));
        }
        if (results.Count == 0) throw new InvalidOperationException($"{script} printed no result line: {Tail(output)}");
        return (results, null);
    }

    private static string? Find(string script)
    {
        foreach (var from in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "bench", "peers", script);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    private static string Tail(string text) => text.Length <= 2000 ? text.Trim() : text[^2000..].Trim();

    /// <summary>The 1-minute load average now, for the notes: the cores are shared.</summary>
    public static string Load() => File.Exists("/proc/loadavg")
        ? string.Create(CultureInfo.InvariantCulture, $"{File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores")
        : "unknown";
}
