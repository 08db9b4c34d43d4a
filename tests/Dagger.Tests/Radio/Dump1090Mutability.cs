using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dagger.Orleans.Operators.Radio;
using Dagger.Orleans.Tests.Servers;
using Xunit;

namespace Dagger.Orleans.Tests.Radio;

/// <summary>
/// Debian's dump1090-mutability (1.15), a decoder nobody here wrote, run as a peer: network only, every listener on a
/// free loopback port or off, frames fed as AVR raw text (<c>*8D…;</c>) on its raw input port, its aircraft read back
/// from the <c>aircraft.json</c> it writes every second. One per test, since it remembers every aircraft it was fed.
/// Disposing kills it and deletes its folder.
/// </summary>
public sealed class Dump1090Mutability : IAsyncDisposable
{
    public const string Binary = "dump1090-mutability";
    private static readonly TimeSpan FeedTimeout = TimeSpan.FromSeconds(20);
    private string _directory = "";
    private int _sentinels;

    public ServerProcess Server { get; private set; } = null!;

    /// <summary>Its raw output, Beast input and Beast output ports, when started with <c>forwarding</c>; else 0.</summary>
    public int RawOutPort { get; private set; }
    public int BeastInPort { get; private set; }
    public int BeastOutPort { get; private set; }

    /// <summary>
    /// Starts one; a missing binary fails saying how to install it. With <paramref name="forwarding"/> its raw output,
    /// Beast input and Beast output listen too (free loopback ports), and it forwards every frame it takes as it came
    /// (<c>--net-verbatim</c>: without it, an aircraft's first frame waits for its second and a lone one never goes out).
    /// </summary>
    public static async Task<Dump1090Mutability> StartAsync(bool forwarding = false)
    {
        var peer = new Dump1090Mutability();
        if (forwarding) (peer.RawOutPort, peer.BeastInPort, peer.BeastOutPort) = (ServerProcess.FreeLoopbackPort(), ServerProcess.FreeLoopbackPort(), ServerProcess.FreeLoopbackPort());
        try
        {
            await peer.InitializeAsync();
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    private async Task InitializeAsync()
    {
        var binary = ServerProcess.RequireBinary(Binary, "apt-get install -y dump1090-mutability");
        _directory = ServerProcess.CreateTempDirectory("dagger-dump1090");
        var port = ServerProcess.FreeLoopbackPort();
        // Every listener dump1090 has: raw in (ours), raw out, BaseStation out, Beast in, Beast out; "0" turns one off.
        Server = await ServerProcess.StartAsync("dump1090-mutability", binary,
        [
            "--net-only", "--net-bind-address", "127.0.0.1",
            "--net-ri-port", port.ToString(CultureInfo.InvariantCulture),
            "--net-ro-port", Port(RawOutPort), "--net-sbs-port", "0", "--net-bi-port", Port(BeastInPort), "--net-bo-port", Port(BeastOutPort),
            "--write-json", _directory, "--write-json-every", "1", "--quiet", "--net-heartbeat", "0",
            .. RawOutPort > 0 ? (string[])["--net-verbatim"] : [],
        ], port);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        if (_directory.Length > 0 && Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    /// <summary>
    /// Sends <paramref name="frames"/> (hex), then twice a frame of a made-up aircraft (address FF00nn) that nothing else
    /// uses, and returns the first aircraft.json that lists that aircraft with two messages: dump1090 reads one
    /// connection in order, so that file reflects every frame before it. The made-up aircraft is left out.
    /// </summary>
    public async Task<JsonElement> FeedAsync(IEnumerable<string> frames)
    {
        var sentinel = 0xFF0000 | ++_sentinels;
        var text = new StringBuilder();
        foreach (var f in frames) text.Append('*').Append(f).Append(";\n");
        var marker = Sentinel(sentinel);
        text.Append('*').Append(marker).Append(";\n*").Append(marker).Append(";\n");

        using var watcher = new FileSystemWatcher(_directory, "aircraft.json") { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
        using var written = new SemaphoreSlim(0);
        FileSystemEventHandler changed = (_, _) => written.Release();
        watcher.Changed += changed;
        watcher.Created += changed;
        watcher.Renamed += (_, _) => written.Release();
        watcher.EnableRaisingEvents = true;

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Server.Port);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text.ToString()));

        var hex = sentinel.ToString("x6", CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow + FeedTimeout;
        string last = "(none yet)";
        while (true)
        {
            if (TryRead(out var json, ref last) && Lists(json, hex)) return WithoutSentinels(json);
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"dump1090-mutability did not list the frames sent within {FeedTimeout.TotalSeconds} s; last aircraft.json: {last}; its output:\n{Server.Output}");
            // The next write of the file; a notice can be lost, so look again after at most 1.5 s anyway.
            await written.WaitAsync(left < TimeSpan.FromSeconds(1.5) ? left : TimeSpan.FromSeconds(1.5));
        }
    }

    private bool TryRead(out JsonElement json, ref string last)
    {
        json = default;
        var path = Path.Combine(_directory, "aircraft.json");
        if (!File.Exists(path)) return false;
        try
        {
            // dump1090 writes a temporary file and renames it, so a read sees a whole file.
            last = File.ReadAllText(path);
            json = JsonDocument.Parse(last).RootElement.Clone();
            return true;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return false;
        }
    }

    private static bool Lists(JsonElement json, string hex) =>
        json.GetProperty("aircraft").EnumerateArray().Any(a => a.GetProperty("hex").GetString() == hex && a.GetProperty("messages").GetInt32() >= 2);

    private static JsonElement WithoutSentinels(JsonElement json)
    {
        var kept = json.GetProperty("aircraft").EnumerateArray().Where(a => !a.GetProperty("hex").GetString()!.StartsWith("ff00", StringComparison.Ordinal)).ToArray();
        return JsonSerializer.SerializeToElement(kept);
    }

    /// <summary>A DF 17 airborne position squitter with no position and no altitude (type code 0): it names the aircraft and says nothing else.</summary>
    private static string Sentinel(int address)
    {
        var frame = new byte[14];
        frame[0] = 0x8D;
        (frame[1], frame[2], frame[3]) = ((byte)(address >> 16), (byte)(address >> 8), (byte)address);
        var crc = ModeSCrc.Compute(frame.AsSpan(0, 11));
        (frame[11], frame[12], frame[13]) = ((byte)(crc >> 16), (byte)(crc >> 8), (byte)crc);
        return Convert.ToHexString(frame);
    }
}
