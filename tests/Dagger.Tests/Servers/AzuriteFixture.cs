using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Dagger.Orleans.Tests.Servers;

/// <summary>
/// A real Azurite (the Azure Storage emulator, from npm, pinned in infra/package.json) serving tables and blobs on free
/// loopback ports, with its data in a temp directory, for one test class. <see cref="KillAsync"/> and
/// <see cref="RestartAsync"/> keep ports and data, as a crash and a restart of the real service would.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account (public, documented by Microsoft; not a secret).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private string _dataDirectory = "";

    public ServerProcess Server { get; private set; } = null!;

    public int TablePort { get; private set; }

    public int BlobPort { get; private set; }

    /// <summary>A storage connection string for this Azurite: table and blob endpoints on loopback.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    public async Task InitializeAsync()
    {
        var binary = FindAzurite();
        _dataDirectory = ServerProcess.CreateTempDirectory("dagger-azurite");
        BlobPort = ServerProcess.FreeLoopbackPort();
        var queuePort = ServerProcess.FreeLoopbackPort();
        TablePort = ServerProcess.FreeLoopbackPort();
        static string P(int port) => port.ToString(CultureInfo.InvariantCulture);
        // Azurite starts blob, queue, then table: once the table port answers, the blob port does too (checked below).
        Server = await ServerProcess.StartAsync(
            "azurite",
            binary,
            ["--blobHost", "127.0.0.1", "--blobPort", P(BlobPort), "--queueHost", "127.0.0.1", "--queuePort", P(queuePort),
             "--tableHost", "127.0.0.1", "--tablePort", P(TablePort), "--location", _dataDirectory, "--silent", "--skipApiVersionCheck", "--loose"],
            TablePort,
            TimeSpan.FromSeconds(30));
        await EnsureBlobPortAnswersAsync();
    }

    /// <summary>
    /// How long to let Azurite save before a <see cref="KillAsync"/> that must not lose what was written: it keeps its
    /// tables in memory and saves them every 5 s (LokiJS autosave), so a SIGKILL loses what came after the last save,
    /// which real storage never does once it acknowledged a write.
    /// </summary>
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(6);

    /// <summary>SIGKILL, the way a crash looks to clients; the data directory stays (up to its last save: <see cref="SaveInterval"/>).</summary>
    public Task KillAsync() => Server.KillAsync();

    public Task RestartAsync() => Server.RestartAsync(TimeSpan.FromSeconds(30));

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        if (_dataDirectory.Length > 0 && Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>
    /// The azurite launcher: the project's pinned copy (infra/node_modules, made by `npm ci --prefix infra`), else one on PATH.
    /// Missing is a failure that says how to install it, never a skip.
    /// </summary>
    public static string FindAzurite()
    {
        var pinned = Path.Combine(TestSupport.CliRepoRoot.Path, "infra", "node_modules", ".bin", "azurite");
        if (File.Exists(pinned)) return pinned;
        try
        {
            return ServerProcess.RequireBinary("azurite", "npm ci --prefix infra");
        }
        catch (InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"the test needs Azurite, which is not installed (not at {pinned} nor on PATH): install it with `npm ci --prefix infra` from the repository root (test.sh does this; it needs Node.js and npm) and run the tests again");
        }
    }

    private async Task EnsureBlobPortAnswersAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, BlobPort);
                return;
            }
            catch (SocketException e) when (DateTime.UtcNow < deadline)
            {
                _ = e; // not listening yet; Azurite starts its services one after another
            }

            // A port to poll has no event to await; the services come up within milliseconds of each other.
            await Task.Delay(20);
        }
    }
}
