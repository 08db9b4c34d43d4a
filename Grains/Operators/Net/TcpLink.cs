using System.Net;
using System.Net.Sockets;

namespace Dagger.Orleans.Operators.Net;

/// <summary>
/// The one TCP connection of a network operator: <c>connect</c> mode connects to host:port, and with
/// <paramref name="retry"/> tries again with <see cref="Backoff"/> while the peer refuses or is unreachable;
/// <c>listen</c> mode binds host:port (the address the spec names, nothing wider), accepts one peer and stops listening.
/// </summary>
internal sealed class TcpLink(string what, string mode, string host, int port, bool retry) : IDisposable
{
    public const string Connect = "connect", Listen = "listen";

    private readonly Backoff _backoff = new();
    private Socket? _socket;

    /// <summary>Connections made (a reconnect after a dropped connection counts again).</summary>
    public long Connections { get; private set; }

    /// <summary>Attempts that failed before a connection was made.</summary>
    public long FailedAttempts { get; private set; }

    public Socket? Socket => _socket;

    public string Peer { get; private set; } = "";

    public bool Connects => mode == Connect;

    public async ValueTask<Socket> OpenAsync(CancellationToken cancellation)
    {
        if (_socket is not null) return _socket;
        _socket = Connects ? await ConnectAsync(cancellation) : await AcceptAsync(cancellation);
        _socket.NoDelay = true;
        Peer = _socket.RemoteEndPoint?.ToString() ?? "";
        Connections++;
        _backoff.Reset();
        return _socket;
    }

    /// <summary>Closes the connection after an error; the next <see cref="OpenAsync"/> waits its back-off, then connects again.</summary>
    public async ValueTask DropAsync(CancellationToken cancellation)
    {
        Close();
        await _backoff.WaitAsync(cancellation);
    }

    public void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public void Dispose() => Close();

    private async ValueTask<Socket> ConnectAsync(CancellationToken cancellation)
    {
        while (true)
        {
            Exception failure;
            try
            {
                var addresses = await NetAddresses.ResolveAsync(host, cancellation);
                var socket = new Socket(addresses[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(addresses[0], port), cancellation);
                    return socket;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
            catch (SocketException e)
            {
                failure = e;
            }
            FailedAttempts++;
            if (!retry) throw new IOException($"{what}: cannot connect to {host}:{port}: {failure.Message}", failure);
            await _backoff.WaitAsync(cancellation);
        }
    }

    private async ValueTask<Socket> AcceptAsync(CancellationToken cancellation)
    {
        var addresses = await NetAddresses.ResolveAsync(host, cancellation);
        using var listener = new Socket(addresses[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(addresses[0], port));
            listener.Listen(1);
        }
        catch (SocketException e)
        {
            throw new IOException($"{what}: cannot listen on {host}:{port}: {e.Message}", e);
        }
        return await listener.AcceptAsync(cancellation);
    }
}
