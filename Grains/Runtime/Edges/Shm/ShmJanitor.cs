using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// At silo start, removes the shm rings a crashed silo left behind: a ring whose creating process is gone is read by
/// nobody (every silo of a host sharing the directory keeps its own rings).
/// </summary>
internal sealed partial class ShmJanitor(IOptions<DaggerOptions> options, ILogger<ShmJanitor> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Shm is not { } shm) return Task.CompletedTask;
        Directory.CreateDirectory(shm.Directory);
        foreach (var path in Directory.EnumerateFiles(shm.Directory, "*" + ShmPaths.Extension))
        {
            int? owner;
            try
            {
                owner = ShmRing.OwnerOf(path);
            }
            catch (IOException)
            {
                continue;
            }
            if (owner is { } pid && IsRunning(pid)) continue;
            File.Delete(path);
            LogRemoved(logger, path, owner ?? 0);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed shm ring {Path}: its process {Pid} is gone")]
    private static partial void LogRemoved(ILogger logger, string path, int pid);
}
