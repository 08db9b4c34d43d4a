using System.Globalization;
using System.Net;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Operators.Net;

/// <summary>
/// Which addresses and ports network operators may listen on or connect to (the silo's <c>Dagger:Net:Allow</c>).
/// Each entry is <c>HOST</c> or <c>HOST:PORTS</c>: HOST is <c>loopback</c> (127.0.0.0/8, ::1 and the name
/// <c>localhost</c>), <c>*</c> (anything), an IP address, a network in CIDR form (<c>10.1.0.0/16</c>) or a host name
/// (matched by name, case-insensitively; it is resolved when the socket opens); an IPv6 host with ports is written in
/// brackets (<c>[::1]:1234</c>, <c>[fd00::/8]:*</c>). PORTS is <c>*</c>, one port or a range <c>30001-30005</c>; no
/// ports means every port. A spec host that is an address matches address entries; a host name matches only an entry
/// naming it (or <c>*</c>, or <c>loopback</c> for <c>localhost</c>): names are not resolved to decide.
/// </summary>
public sealed class NetAllowList
{
    private readonly Entry[] _entries;

    private enum HostKind { Any, Loopback, Network, Name }

    private readonly record struct Entry(HostKind Kind, IPNetwork Network, string Name, int FirstPort, int LastPort);

    private NetAllowList(Entry[] entries) => _entries = entries;

    /// <summary>Nothing is allowed: what a cluster silo has unless its owner says otherwise.</summary>
    public static NetAllowList None { get; } = new([]);

    /// <summary>Loopback only, every port: the embedded silo's list.</summary>
    public static NetAllowList Loopback { get; } = Parse(["loopback"]);

    /// <summary>Reads the entries; a bad one throws a <see cref="FormatException"/> naming it.</summary>
    public static NetAllowList Parse(IEnumerable<string> entries) => new([.. entries.Select(ParseEntry)]);

    /// <summary>Whether <paramref name="endpoint"/>'s host and port are allowed.</summary>
    public bool Allows(NetEndpoint endpoint)
    {
        var host = endpoint.Host.Trim();
        var isAddress = IPAddress.TryParse(host, out var address);
        var isLocalhost = !isAddress && string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase);
        foreach (var e in _entries)
        {
            if (endpoint.Port < e.FirstPort || endpoint.Port > e.LastPort) continue;
            var matches = e.Kind switch
            {
                HostKind.Any => true,
                HostKind.Loopback => isAddress ? IPAddress.IsLoopback(address!) : isLocalhost,
                HostKind.Network => isAddress ? e.Network.Contains(address!)
                    : isLocalhost && (e.Network.Contains(IPAddress.Loopback) || e.Network.Contains(IPAddress.IPv6Loopback)),
                _ => !isAddress && string.Equals(e.Name, host, StringComparison.OrdinalIgnoreCase),
            };
            if (matches) return true;
        }
        return false;
    }

    /// <summary>
    /// One problem per address of a network operator in <paramref name="spec"/> that this list does not allow. The
    /// message names the node and the address and nothing more: a refused spec learns nothing of the list.
    /// Run it on a spec whose arguments are valid (after <see cref="DagValidator"/> found nothing).
    /// </summary>
    public List<string> Check(DagSpec spec, OperatorCatalog catalog)
    {
        var problems = new List<string>();
        foreach (var node in spec.Nodes)
        {
            if (catalog.TypeOf(node.Op) is not { } type || !typeof(INetworkOperator).IsAssignableFrom(type)) continue;
            var op = (INetworkOperator)catalog.Create(node.Op, node.ArgsJson);
            foreach (var endpoint in op.Endpoints)
            {
                if (!Allows(endpoint)) problems.Add($"node '{node.Id}': {endpoint} is not allowed");
            }
        }
        return problems;
    }

    private static Entry ParseEntry(string text)
    {
        var entry = text.Trim();
        string host;
        string? ports = null;
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) throw Bad(text, "an opening '[' without its ']'");
            host = entry[1..close];
            var rest = entry[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') throw Bad(text, "after ']' comes ':PORTS' or nothing");
                ports = rest[1..];
            }
        }
        else if (entry.Count(c => c == ':') == 1)
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            (host, ports) = (entry[..colon], entry[(colon + 1)..]);
        }
        else
        {
            // No colon, or a bare IPv6 address or network (no ports: those need brackets).
            host = entry;
        }
        var (first, last) = ports is null ? (1, 65535) : ParsePorts(text, ports);
        if (host == "*") return new Entry(HostKind.Any, default, "", first, last);
        if (string.Equals(host, "loopback", StringComparison.OrdinalIgnoreCase)) return new Entry(HostKind.Loopback, default, "", first, last);
        if (host.Contains('/', StringComparison.Ordinal))
        {
            if (!IPNetwork.TryParse(host, out var network)) throw Bad(text, $"'{host}' is not a network in CIDR form with its host bits zero (like 10.1.0.0/16)");
            return new Entry(HostKind.Network, network, "", first, last);
        }
        if (IPAddress.TryParse(host, out var address))
            return new Entry(HostKind.Network, new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128), "", first, last);
        if (host.Length == 0 || host.Length > 253 || !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))
            throw Bad(text, $"'{host}' is neither loopback, *, an IP address, a network (CIDR) nor a host name");
        return new Entry(HostKind.Name, default, host, first, last);
    }

    private static (int First, int Last) ParsePorts(string text, string ports)
    {
        if (ports == "*") return (1, 65535);
        var dash = ports.IndexOf('-', StringComparison.Ordinal);
        var first = Port(text, dash < 0 ? ports : ports[..dash]);
        var last = dash < 0 ? first : Port(text, ports[(dash + 1)..]);
        if (last < first) throw Bad(text, $"the port range {ports} ends before it starts");
        return (first, last);
    }

    private static int Port(string text, string port) =>
        int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535
            ? p
            : throw Bad(text, $"'{port}' is not a port (1 to 65535), a range (30001-30005) or *");

    private static FormatException Bad(string entry, string why) =>
        new($"{NetOptions.Section}:Allow entry '{entry}': {why}");
}
