using Xunit;

namespace Dagger.Orleans.Tests.Servers;

/// <summary>
/// A real nats-server with JetStream (file storage in a temp directory) and user/password auth, on a free loopback
/// port, for one test class. <see cref="KillAsync"/> and <see cref="RestartAsync"/> keep port and data, as a crash
/// and a restart of the real server would.
/// </summary>
public sealed class NatsServerFixture : IAsyncLifetime
{
    public const string User = "dagger";
    public const string Password = "test-secret-9f2";
    private string _dataDirectory = "";

    public ServerProcess Server { get; private set; } = null!;

    public int Port => Server.Port;

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>How the server appears in the providers' messages.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public async Task InitializeAsync()
    {
        var binary = ServerProcess.RequireBinary("nats-server", "apt-get install -y nats-server");
        _dataDirectory = ServerProcess.CreateTempDirectory("dagger-nats");
        var port = ServerProcess.FreeLoopbackPort();
        Server = await ServerProcess.StartAsync(
            "nats-server",
            binary,
            ["-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-js", "-sd", _dataDirectory, "--user", User, "--pass", Password],
            port);
    }

    public Task KillAsync() => Server.KillAsync();

    public Task RestartAsync() => Server.RestartAsync();

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        if (_dataDirectory.Length > 0 && Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }
}
