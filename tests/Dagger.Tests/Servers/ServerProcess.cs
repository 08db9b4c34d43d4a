using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dagger.Orleans.Tests.Servers;

/// <summary>
/// A real server (nats-server, mosquitto, ...) run by a test fixture: started on a loopback port, awaited until the
/// port accepts connections, stopped gracefully or killed, and restarted with the same command line (so the same
/// port and data directory). Output is kept for failure messages. Every wait is bounded; disposing kills the process.
/// A missing binary is a test failure, never a skip: <see cref="RequireBinary"/> says how to install it.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(15);
    private readonly string _fileName;
    private readonly IReadOnlyList<string> _args;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();
    private Process? _process;

    private ServerProcess(string name, string fileName, IReadOnlyList<string> args, int port)
    {
        Name = name;
        _fileName = fileName;
        _args = args;
        Port = port;
    }

    /// <summary>What the server is, for messages ("nats-server").</summary>
    public string Name { get; }

    public int Port { get; }

    /// <summary>True while the process runs (between a start and a stop or kill).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything the server wrote to stdout and stderr since the fixture started it (all runs).</summary>
    public string Output
    {
        get
        {
            lock (_outputLock) return _output.ToString();
        }
    }

    /// <summary>A loopback TCP port nobody listens on right now (the OS picks it).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A fresh empty directory under the temp folder, for a server's data or config.</summary>
    public static string CreateTempDirectory(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The full path of <paramref name="binary"/> on PATH (or in /usr/sbin, where Debian puts servers); throws with the install command when missing.</summary>
    public static string RequireBinary(string binary, string installCommand)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin").Append("/usr/local/sbin"))
        {
            var candidate = Path.Combine(directory, binary);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            $"the test needs the '{binary}' server binary, which is not installed (not on PATH nor in /usr/sbin): install it with `{installCommand}` (test.sh does this) and run the tests again");
    }

    /// <summary>Starts <paramref name="fileName"/> and waits until 127.0.0.1:<paramref name="port"/> accepts a connection.</summary>
    public static async Task<ServerProcess> StartAsync(string name, string fileName, IReadOnlyList<string> args, int port, TimeSpan? startTimeout = null)
    {
        var server = new ServerProcess(name, fileName, args, port);
        try
        {
            await server.StartAsync(startTimeout ?? DefaultStartTimeout);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server again with the same command line (same port, same data directory).</summary>
    public async Task RestartAsync(TimeSpan? startTimeout = null)
    {
        if (IsRunning) throw new InvalidOperationException($"{Name} on port {Port} is still running: stop or kill it before restarting");
        await StartAsync(startTimeout ?? DefaultStartTimeout);
    }

    /// <summary>SIGTERM, then waits (bounded) for the exit; kills it if it does not go.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        var process = _process;
        if (process is null || process.HasExited) return;
        await SendTermAsync(process.Id);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    /// <summary>SIGKILL, the way a crash looks to clients; waits for the exit.</summary>
    public async Task KillAsync()
    {
        var process = _process;
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            _process?.Dispose();
            _process = null;
        }
    }

    public override string ToString() => $"{Name} on 127.0.0.1:{Port} ({_fileName} {string.Join(' ', _args)})";

    private async Task StartAsync(TimeSpan timeout)
    {
        var start = new ProcessStartInfo(_fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in _args) start.ArgumentList.Add(arg);
        _process?.Dispose();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {this}");
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitForPortAsync(process, timeout);
    }

    private async Task WaitForPortAsync(Process process, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{this} exited with code {process.ExitCode} before accepting connections; its output:\n{Output}");
            }

            using var client = new TcpClient();
            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await client.ConnectAsync(IPAddress.Loopback, Port, attempt.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                if (deadline.Elapsed > timeout)
                {
                    throw new TimeoutException($"{this} did not accept connections within {timeout.TotalSeconds:0.#} s ({e.Message}); its output:\n{Output}", e);
                }
            }

            // Polling a port has no event to await; the servers are up in milliseconds.
            await Task.Delay(20);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_outputLock)
        {
            if (_output.Length < 256 * 1024) _output.AppendLine(line);
        }
    }

    /// <summary>Sends SIGTERM with the system's <c>kill</c> command (.NET only sends SIGKILL); waits for the command, not the server.</summary>
    private static async Task SendTermAsync(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run `kill -TERM`");
        await kill.WaitForExitAsync();
    }
}
