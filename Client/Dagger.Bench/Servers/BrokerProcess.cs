using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dagger.Orleans.Bench.Measuring;

namespace Dagger.Orleans.Bench.Servers;

/// <summary>
/// A broker (nats-server, mosquitto) the bench starts for itself on a free loopback port, with a temporary data folder;
/// disposing kills it and deletes the folder, so nothing outlives the run.
/// </summary>
public sealed class BrokerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private BrokerProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>nats-server with JetStream.</summary>
    public static Task<BrokerProcess> StartNatsAsync(CancellationToken cancellationToken)
    {
        var binary = Find("nats-server", "the NATS rows need nats-server: install it (e.g. `apt-get install -y nats-server`) or put it on PATH");
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("dagger-bench-nats").FullName;
        return StartAsync(binary, ["-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-js", "-sd", directory], directory, port, cancellationToken);
    }

    /// <summary>mosquitto with persistence and unbounded session queues, as the MQTT provider's README asks.</summary>
    public static async Task<BrokerProcess> StartMosquittoAsync(CancellationToken cancellationToken)
    {
        var binary = Find("mosquitto", "the MQTT rows need mosquitto: install it (e.g. `apt-get install -y mosquitto`) or put it on PATH");
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("dagger-bench-mqtt").FullName;
        var config = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            {(Environment.UserName == "root" ? "user root" : "")}
            persistence true
            persistence_location {directory}/
            max_queued_messages 0
            log_dest stderr
            log_type error
            listener {port} 127.0.0.1
            allow_anonymous true

            """, cancellationToken);
        return await StartAsync(binary, ["-c", config], directory, port, cancellationToken);
    }

    private static async Task<BrokerProcess> StartAsync(string binary, string[] args, string directory, int port, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(binary, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        var process = Process.Start(start) ?? throw new BenchmarkFailedException($"could not start {binary}");
        // Drain its output so a chatty broker never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var broker = new BrokerProcess(process, directory, port);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return broker;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(10) && !process.HasExited)
            {
                // A port has no event to await; the brokers listen within milliseconds.
                await Task.Delay(20, cancellationToken);
            }
            catch (SocketException)
            {
                await broker.DisposeAsync();
                throw new BenchmarkFailedException($"{Path.GetFileName(binary)} did not accept connections on 127.0.0.1:{port} within 10 s");
            }
        }
    }

    private static string Find(string name, string hint)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin"]))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path)) return path;
        }
        throw new BenchmarkFailedException(hint);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
