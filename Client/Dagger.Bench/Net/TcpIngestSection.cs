using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dagger.Orleans.Bench.Measuring;
using Dagger.Orleans.Client;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Wire;

namespace Dagger.Orleans.Bench.Net;

/// <summary>
/// Loopback TCP ingest: a peer writes float32 samples as fast as loopback takes them; Dagger reads them with
/// <c>tcp_source</c> (f32) into a <c>count</c> sink, on the embedded silo. Baselines in the same run, fed by the same
/// peer: a plain C# socket reader (receive into one buffer until the end, nothing else) and <c>socat</c> writing to
/// /dev/null (Debian package socat; a benchmark peer only).
/// </summary>
public sealed class TcpIngestSection : IBenchSection
{
    /// <summary>Bytes a reader asks for at once: the tcp_source's receive buffer (256 KiB) for every reader.</summary>
    public const int ReadBytes = 256 << 10;

    /// <summary>Elements per batch of the Dagger DAG: 64 KiB batches of float32.</summary>
    public const int Batch = 16384;

    public string Name => "tcp";

    public string Title => "loopback TCP ingest GB/s: tcp_source → count vs a plain socket reader and socat";

    public async Task<IReadOnlyList<BenchRow>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var bytes = context.Quick ? 64L << 20 : 2L << 30;
        var runs = context.Quick ? 1 : 3;
        var rows = new List<BenchRow>();
        await using var dagger = await DaggerClient.StartEmbeddedAsync(cancellation: cancellationToken);

        var daggerRate = await Measure.RepeatAsync(ct => Timed(bytes, (port, c) => DaggerReadAsync(dagger, port, bytes, c), ct), warmups: 1, runs, cancellationToken);
        var plainRate = await Measure.RepeatAsync(ct => Timed(bytes, PlainReadAsync, ct), warmups: 1, runs, cancellationToken);
        rows.Add(Row("tcp_source (f32) → count", daggerRate, "plain C# socket reader", plainRate));
        if (Socat() is { } socat)
        {
            var socatRate = await Measure.RepeatAsync(ct => Timed(bytes, (port, c) => SocatReadAsync(socat, port, c), ct), warmups: 1, runs, cancellationToken);
            rows.Add(Row("tcp_source (f32) → count", daggerRate, "socat → /dev/null", socatRate));
        }
        else
        {
            context.Failures.Add("socat baseline: socat is not installed (apt-get install -y socat); the plain socket reader row stands alone");
        }
        context.Notes.Add($"{bytes >> 20} MiB per run from one writer task (64 KiB writes) over 127.0.0.1, median of {runs} after a warm-up run; GB/s = 1e9 bytes/s from the writer's first byte to the reader's last "
            + $"(Dagger: to the run's completion, count checked against the bytes). Dagger: batches of {Batch} float32 (64 KiB), the embedded silo; readers ask for {ReadBytes >> 10} KiB at a time "
            + "(socat: -b 262144). One machine: writer and reader share its cores.");
        return rows;
    }

    private static BenchRow Row(string what, Measurement dagger, string baseline, Measurement other) =>
        new("tcp", what, "GB/s", dagger.Median, baseline, other.Median,
            Note: $"Dagger spread ±{dagger.SpreadPercent:F0}%, baseline ±{other.SpreadPercent:F0}%");

    /// <summary>Starts a writer of <paramref name="bytes"/> on a free loopback port, runs the reader, and returns GB/s.</summary>
    private static async Task<double> Timed(long bytes, Func<int, CancellationToken, Task> read, CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var clock = new Stopwatch();
        var writing = Task.Run(async () =>
        {
            using var peer = await listener.AcceptSocketAsync(cancellationToken);
            var chunk = new byte[64 << 10];
            clock.Start();
            for (long sent = 0; sent < bytes;)
                sent += await peer.SendAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, bytes - sent)), SocketFlags.None, cancellationToken);
            peer.Shutdown(SocketShutdown.Send);
        }, cancellationToken);
        await read(port, cancellationToken);
        clock.Stop();
        await writing;
        return bytes / clock.Elapsed.TotalSeconds / 1e9;
    }

    private static async Task DaggerReadAsync(DaggerClient dagger, int port, long bytes, CancellationToken cancellationToken)
    {
        var spec = DagSpecReader.ReadOrThrow($$"""
            { "name": "bench-tcp", "defaults": { "batch": {{Batch}} },
              "nodes": [ { "id": "in", "op": "tcp_source", "args": { "host": "127.0.0.1", "port": {{port}}, "format": "f32" } }, { "id": "n", "op": "count" } ],
              "edges": [ { "from": "in", "to": "n" } ] }
            """);
        var status = await (await dagger.SubmitAsync(spec)).WaitAsync(cancellation: cancellationToken);
        if (status.State != DagState.Completed) throw new InvalidOperationException($"the tcp_source run ended {status.State}: {status.Error}");
        var count = long.Parse(status.Results["n"], System.Globalization.CultureInfo.InvariantCulture);
        if (count != bytes / 4) throw new InvalidOperationException($"count says {count} elements; the writer sent {bytes / 4}");
    }

    private static async Task PlainReadAsync(int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        var buffer = new byte[ReadBytes];
        while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) > 0)
        {
        }
    }

    private static async Task SocatReadAsync(string socat, int port, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(socat, ["-u", "-b", "262144", $"TCP:127.0.0.1:{port}", "OPEN:/dev/null"]) { RedirectStandardError = true })!;
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new InvalidOperationException($"socat exited {process.ExitCode}: {await errors}");
    }

    private static string? Socat()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, "socat");
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
