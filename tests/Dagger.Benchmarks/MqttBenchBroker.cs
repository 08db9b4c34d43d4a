using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dagger.Orleans.Benchmarks;

/// <summary>A mosquitto for the MQTT benchmark: a free loopback port, persistence on, unbounded session queues (as the provider's README asks).</summary>
internal sealed class MqttBenchBroker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private MqttBenchBroker(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<MqttBenchBroker> StartAsync()
    {
        var binary = new[] { "/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto" }.FirstOrDefault(File.Exists)
            ?? throw new BenchmarkFailedException("the MQTT benchmark needs mosquitto: install it with `apt-get install -y mosquitto`");
        var directory = Path.Combine(Path.GetTempPath(), $"mqtt-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

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

            """);
        var start = new ProcessStartInfo(binary) { ArgumentList = { "-c", config }, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        var process = Process.Start(start) ?? throw new BenchmarkFailedException("could not start mosquitto");
        var broker = new MqttBenchBroker(process, directory, port);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return broker;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(10) && !process.HasExited)
            {
                // Polling a port has no event to await; mosquitto is up in milliseconds.
                await Task.Delay(20);
            }
            catch (SocketException)
            {
                await broker.DisposeAsync();
                throw new BenchmarkFailedException($"mosquitto did not accept connections on port {port}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
