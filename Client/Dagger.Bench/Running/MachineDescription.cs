using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Dagger.Orleans.Bench.Running;

/// <summary>Where the numbers were measured: they mean little without it.</summary>
public sealed record MachineDescription(
    string Cpu,
    int Cores,
    double RamGiB,
    string Os,
    string Runtime,
    string Gc,
    string Accelerator,
    string GitCommit,
    string Load)
{
    public static MachineDescription Detect() => new(
        ReadProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        RamBytes() / (double)(1L << 30),
        $"{RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}",
        RuntimeInformation.FrameworkDescription,
        $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, {(GCSettings.LatencyMode == GCLatencyMode.Batch ? "non-concurrent" : "concurrent")}",
        DetectAccelerator(),
        DetectGitCommit(),
        DetectLoad());

    /// <summary>The 1, 5 and 15 minute load averages when the run ended: on a shared machine, what else competed for the cores.</summary>
    private static string DetectLoad()
    {
        const string path = "/proc/loadavg";
        if (!File.Exists(path)) return "unknown";
        var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 ? $"{parts[0]} / {parts[1]} / {parts[2]} (1 / 5 / 15 min, at the end of the run, on {Environment.ProcessorCount} cores)" : "unknown";
    }

    private static long RamBytes()
    {
        var kb = ReadProcField("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return kb is not null && long.TryParse(kb, CultureInfo.InvariantCulture, out var k) ? k * 1024 : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    /// <summary>The NVIDIA GPUs nvidia-smi lists, else "none found" (the GPU operators then run on ILGPU's CPU accelerator).</summary>
    private static string DetectAccelerator()
    {
        var gpus = Run("nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader");
        return string.IsNullOrWhiteSpace(gpus) ? "no NVIDIA GPU found (nvidia-smi absent or silent)" : string.Join("; ", gpus.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static string DetectGitCommit()
    {
        var commit = Run("git", "rev-parse", "--short=12", "HEAD")?.Trim();
        if (string.IsNullOrEmpty(commit)) return "unknown (not run from a git checkout)";
        var dirty = Run("git", "status", "--porcelain", "--untracked-files=no");
        return string.IsNullOrWhiteSpace(dirty) ? commit : commit + " (with uncommitted changes)";
    }

    /// <summary>A short helper command's stdout, or null when it is not installed, fails or hangs.</summary>
    private static string? Run(string file, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start);
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(5000))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            return process.ExitCode == 0 ? output.Result : null;
        }
        catch (Win32Exception)
        {
            // Not installed: the description says so instead.
            return null;
        }
    }

    private static string? ReadProcField(string path, string key)
    {
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(key, StringComparison.Ordinal)) return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        return null;
    }
}
