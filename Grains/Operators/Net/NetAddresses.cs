using System.Net;

namespace Dagger.Orleans.Operators.Net;

internal static class NetAddresses
{
    /// <summary>
    /// The addresses of a spec's host: itself when it is an IP address, 127.0.0.1 for <c>localhost</c> (the name
    /// the allow list takes for loopback), else what DNS says, IPv4 first.
    /// </summary>
    public static async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellation)
    {
        if (IPAddress.TryParse(host, out var address)) return [address];
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return [IPAddress.Loopback];
        var found = await Dns.GetHostAddressesAsync(host, cancellation);
        if (found.Length == 0) throw new IOException($"host name '{host}' resolves to no address");
        return [.. found.OrderBy(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 0 : 1)];
    }
}

/// <summary>How long a connect-mode socket waits before its next attempt: 100 ms, doubling, at most 5 s; reset once connected.</summary>
internal sealed class Backoff
{
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(5);

    private TimeSpan _next = First;

    public async ValueTask WaitAsync(CancellationToken cancellation)
    {
        var wait = _next;
        _next = TimeSpan.FromTicks(Math.Min(Longest.Ticks, 2 * _next.Ticks));
        await Task.Delay(wait, cancellation);
    }

    public void Reset() => _next = First;
}
