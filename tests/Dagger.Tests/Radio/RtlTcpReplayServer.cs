using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Dagger.Orleans.Operators.Net;

namespace Dagger.Orleans.Tests.Radio;

/// <summary>
/// An rtl_tcp server on a free loopback port that replays a cu8 capture as a dongle tuned to it would deliver it: the
/// 12-byte RTL0 header (tuner R820T, 29 gain steps), then — once the client has set sample rate and frequency — the
/// capture when they are the capture's (2 Msps, 1090 MHz), silence of the same length when the frequency is another
/// (nothing to hear there), nothing at all when the rate is another (the capture cannot be resampled); then it closes.
/// Every command it got is kept. One connection at a time; disposing stops it.
/// </summary>
public sealed class RtlTcpReplayServer : IAsyncDisposable
{
    public const uint CaptureRate = 2_000_000, CaptureFrequency = 1_090_000_000, TunerR820T = 5, GainSteps = 29;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _capture;
    private readonly Task _serving;

    private readonly int _passes;

    /// <param name="passes">How many times the capture is replayed, one pass after the other, before the server closes.</param>
    public RtlTcpReplayServer(byte[] capture, int passes = 1)
    {
        _capture = capture;
        _passes = passes;
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every command received, in order: (command byte, parameter).</summary>
    public ConcurrentQueue<(byte Command, uint Value)> Commands { get; } = new();

    public int Connections { get; private set; }

    /// <summary>Clients that closed their connection before the replay ended.</summary>
    public int ClientsLeft { get; private set; }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Connections++;
            try
            {
                using (client) await ReplayAsync(client, _stop.Token);
            }
            catch (SocketException)
            {
                // The client left mid-replay (a DAG that had enough, or was cancelled): counted, and the next may come.
                ClientsLeft++;
            }
        }
    }

    private async Task ReplayAsync(Socket client, CancellationToken stop)
    {
        var header = new byte[RtlTcpProtocol.HeaderBytes];
        "RTL0"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), TunerR820T);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), GainSteps);
        await client.SendAsync(header, SocketFlags.None, stop);
        uint? rate = null, frequency = null;
        var command = new byte[RtlTcpProtocol.CommandBytes];
        // Tuning first: the samples depend on it. Commands that come later are read (and kept) by ReadCommandsAsync.
        while (rate is null || frequency is null)
        {
            if (!await ReadCommandAsync(client, command, stop)) return;
            var value = BinaryPrimitives.ReadUInt32BigEndian(command.AsSpan(1));
            if (command[0] == RtlTcpProtocol.SetSampleRate) rate = value;
            if (command[0] == RtlTcpProtocol.SetFrequency) frequency = value;
        }
        var reading = ReadCommandsAsync(client, command, stop);
        if (rate == CaptureRate)
        {
            var samples = frequency == CaptureFrequency ? _capture : Enumerable.Repeat((byte)127, _capture.Length).ToArray();
            for (var pass = 0; pass < _passes; pass++)
            {
                for (var at = 0; at < samples.Length; at += 16384)
                    await client.SendAsync(samples.AsMemory(at, Math.Min(16384, samples.Length - at)), SocketFlags.None, stop);
            }
        }
        client.Shutdown(SocketShutdown.Send);
        await reading;
    }

    private async Task ReadCommandsAsync(Socket client, byte[] command, CancellationToken stop)
    {
        try
        {
            while (await ReadCommandAsync(client, command, stop))
            {
            }
        }
        catch (SocketException)
        {
            // The client went away abruptly: there are no more commands to keep.
        }
    }

    private async Task<bool> ReadCommandAsync(Socket client, byte[] command, CancellationToken stop)
    {
        for (var got = 0; got < command.Length;)
        {
            var n = await client.ReceiveAsync(command.AsMemory(got), SocketFlags.None, stop);
            if (n == 0) return false;
            got += n;
        }
        Commands.Enqueue((command[0], BinaryPrimitives.ReadUInt32BigEndian(command.AsSpan(1))));
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (OperationCanceledException)
        {
            // Stopped mid-replay: that is what disposing asks.
        }
        _stop.Dispose();
    }
}
