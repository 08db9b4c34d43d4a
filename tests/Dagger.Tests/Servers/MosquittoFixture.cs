using System.Diagnostics;
using Xunit;

namespace Dagger.Orleans.Tests.Servers;

/// <summary>
/// One real mosquitto broker for the MQTT provider tests, on two free loopback ports: one anonymous, one that takes only
/// <see cref="UserName"/>/<see cref="Password"/>. Persistence is on and saves after every change (sessions and their
/// queued QoS 1 messages survive a restart, and all but the last moment's survive a crash), queues are unbounded (mosquitto otherwise drops QoS 1 messages beyond 1000 queued per session), and the
/// maximum packet size is small, so events over <see cref="MaxPacketSize"/> exercise splitting.
/// </summary>
public sealed class MosquittoFixture : IAsyncLifetime
{
    public const string UserName = "dagger-test";
    public const string Password = "mqtt-test-password";

    /// <summary>The broker's maximum packet size (announced to MQTT 5 clients in CONNACK).</summary>
    public const int MaxPacketSize = 256 * 1024;

    private ServerProcess? _server;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("the mosquitto fixture has not started");

    public int AnonymousPort { get; private set; }

    public int AuthenticatedPort { get; private set; }

    public string Directory { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var mosquitto = ServerProcess.RequireBinary("mosquitto", "apt-get install -y mosquitto");
        var passwd = ServerProcess.RequireBinary("mosquitto_passwd", "apt-get install -y mosquitto");
        Directory = ServerProcess.CreateTempDirectory("mosquitto");
        AnonymousPort = ServerProcess.FreeLoopbackPort();
        AuthenticatedPort = ServerProcess.FreeLoopbackPort();
        var passwordFile = Path.Combine(Directory, "passwd");
        await RunAsync(passwd, ["-c", "-b", passwordFile, UserName, Password]);
        var config = Path.Combine(Directory, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            per_listener_settings true
            {(Environment.UserName == "root" ? "user root" : "")}
            persistence true
            persistence_location {Directory}/
            autosave_on_changes true
            autosave_interval 1
            max_queued_messages 0
            max_packet_size {MaxPacketSize}
            log_dest stderr
            log_type error
            log_type warning
            log_type notice
            listener {AnonymousPort} 127.0.0.1
            allow_anonymous true
            listener {AuthenticatedPort} 127.0.0.1
            allow_anonymous false
            password_file {passwordFile}

            """);
        _server = await ServerProcess.StartAsync("mosquitto", mosquitto, ["-c", config], AnonymousPort);
    }

    /// <summary>Stops the broker (SIGTERM: it saves its sessions) and starts it again on the same ports and data.</summary>
    public async Task RestartGracefullyAsync()
    {
        await Server.StopAsync();
        await Server.RestartAsync();
    }

    /// <summary>Crashes the broker (SIGKILL): what it held since its last save to disk is gone.</summary>
    public Task KillAsync() => Server.KillAsync();

    /// <summary>Starts the broker again (after <see cref="KillAsync"/>) on the same ports and data.</summary>
    public Task StartAgainAsync() => Server.RestartAsync();

    /// <summary>"127.0.0.1:PORT" of a listener, as the provider's messages name it.</summary>
    public static string Address(int port) => $"127.0.0.1:{port}";

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        if (Directory.Length > 0 && System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static async Task RunAsync(string fileName, string[] args)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {fileName}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(fileName)} exited with {process.ExitCode}: {await error}");
    }
}

[CollectionDefinition(Name)]
public sealed class MosquittoCollection : ICollectionFixture<MosquittoFixture>
{
    public const string Name = "mosquitto";
}
